import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { startSmtpPeer, waitFor } from '../../../test/support/smtp';
import { startWorkers } from '../jobs/workers';
import { sentMail } from './tables';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  t = await buildTestApp({ smtpUrl: smtp.url });
  await startWorkers(t.services, 0.5);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('mail through jobs', () => {
  it('sends a message queued in a transaction that commits, over real SMTP', async () => {
    await t.services.withTransaction((tx) =>
      t.services.mail.queue(tx, {
        key: 'probe-1',
        to: 'duty.la@lantern.invalid',
        subject: 'A child has been reported missing',
        text: 'Open Lantern to see the episode.',
      }),
    );
    const mail = await waitFor(() =>
      smtp.received.find((m) => m.raw.includes('A child has been reported missing')),
    );
    expect(mail.to).toEqual(['duty.la@lantern.invalid']);
    expect(mail.raw).toContain('X-Lantern-Marking: OFFICIAL-SENSITIVE');
  });

  it('sends nothing for a transaction that rolls back', async () => {
    await expect(
      t.services.withTransaction(async (tx) => {
        await t.services.mail.queue(tx, {
          key: 'probe-rolled-back',
          to: 'x@lantern.invalid',
          subject: 'Rolled back',
          text: '-',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await t.services.withTransaction((tx) =>
      t.services.mail.queue(tx, {
        key: 'probe-after',
        to: 'x@lantern.invalid',
        subject: 'After the rollback',
        text: '-',
      }),
    );
    await waitFor(() => smtp.received.find((m) => m.raw.includes('After the rollback')));
    expect(smtp.received.some((m) => m.raw.includes('Subject: Rolled back'))).toBe(false);
  });

  it('delivers a message once even when its job runs twice', async () => {
    const before = smtp.received.length;
    const data = { key: 'probe-twice', to: 'y@lantern.invalid', subject: 'Only once', text: '-' };
    expect(await t.services.mail.deliver(data)).toBe('sent');
    expect(await t.services.mail.deliver(data)).toBe('already sent');
    expect(smtp.received.length).toBe(before + 1);
    const [row] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(sentMail));
    expect(Number(row?.n)).toBeGreaterThan(0);
  });
});

describe('mail without SMTP_URL', () => {
  it('writes each message as an .eml file under the data folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lantern-mail-'));
    const local = await buildTestApp({ smtpUrl: undefined, dataDir });
    try {
      await local.services.mail.deliver({
        key: 'eml-1',
        to: 'z@lantern.invalid',
        subject: 'Written to a file',
        text: 'Body',
      });
      const files = readdirSync(path.join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(path.join(dataDir, 'mail', files[0] ?? ''), 'utf8');
      expect(eml).toContain('Subject: Written to a file');
      expect(eml).toContain('To: z@lantern.invalid');
    } finally {
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
