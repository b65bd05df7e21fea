import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/client';
import { transactionRunner } from '../../src/platform/db/transaction';
import { JobQueue } from '../../src/platform/jobs/jobs';
import { withDatabase } from '../support/global-setup';
import { freePort, spawnServer, stopServer, waitForServer } from '../support/process';
import { startSmtpPeer } from '../support/smtp';

// Two Lantern processes against one PostgreSQL, as when a hub scales out. This suite runs only
// with DATABASE_URL (scripts/test.ts runs it in the PostgreSQL part of `npm test`).
const adminUrl = process.env.DATABASE_URL ?? '';
const name = `lantern_two_${randomBytes(4).toString('hex')}`;
const url = withDatabase(adminUrl, name);
const PASSWORD = 'lantern-demo-password';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
const servers: { base: string; process: ChildProcess }[] = [];

async function start(): Promise<{ base: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawnServer({
    databaseUrl: url,
    port,
    env: { LANTERN_DEMO: 'true', LANTERN_DEMO_PASSWORD: PASSWORD, SMTP_URL: smtp.url },
  });
  const base = `http://127.0.0.1:${port}`;
  // A process that does not answer in time shows itself in the tests that use it.
  await waitForServer(base, { attempts: 600 });
  const server = { base, process: child };
  servers.push(server);
  return server;
}

/** A browser's cookie jar in miniature, shared between the two processes like a load balancer would. */
class Jar {
  private cookies = new Map<string, string>();
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async fetch(input: string, init: RequestInit = {}) {
    const r = await fetch(input, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.header() },
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    return r;
  }
  async csrf(pageUrl: string) {
    const html = await (await this.fetch(pageUrl)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }
  async post(pageUrl: string, actionUrl: string, fields: Record<string, string>) {
    const _csrf = await this.csrf(pageUrl);
    return this.fetch(actionUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf }),
    });
  }
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  smtp = await startSmtpPeer();
  // The first process migrates and loads the demo data; the second finds them there.
  await start();
  await start();
}, 180_000);

afterAll(async () => {
  for (const s of servers) await stopServer(s.process);
  await smtp?.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}, 60_000);

describe('two processes against one PostgreSQL', () => {
  it('keeps a session signed in on either, and what one records the other shows at once', async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error('both processes must be running');
    const jar = new Jar();
    const signedIn = await jar.post(`${a.base}/sign-in`, `${a.base}/sign-in`, {
      email: 'social.mash@lantern.invalid',
      password: PASSWORD,
    });
    expect(signedIn.status).toBe(303);
    // The session made on A works on B.
    const home = await (await jar.fetch(`${b.base}/children`)).text();
    expect(home).toContain('Priya Hale');

    const created = await jar.post(`${a.base}/children/new`, `${a.base}/children/new`, {
      givenName: 'Twoprocess',
      familyName: 'Testchild',
      'dob-day': '4',
      'dob-month': '3',
      'dob-year': '2012',
      lookedAfter: 'no',
    });
    expect(created.status).toBe(303);
    const childPath = created.headers.get('location') ?? '';
    expect(childPath).toMatch(/^\/children\/[0-9a-f-]{36}$/);
    const reported = await jar.post(
      `${b.base}${childPath}/episodes/new`,
      `${a.base}${childPath}/episodes/new`,
      {
        kind: 'missing',
        'startedAt-day': '1',
        'startedAt-month': '1',
        'startedAt-year': '2026',
        'startedAt-hour': '21',
        'startedAt-minute': '00',
        policeForceCode: 'E23000010',
      },
    );
    expect(reported.status, await reported.text()).toBe(303);
    const episodePath = reported.headers.get('location') ?? '';
    const onB = await jar.fetch(`${b.base}${episodePath}`);
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain('Twoprocess Testchild');
  });

  it('processes each job once, whichever process takes it', async () => {
    const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
    const jobs = new JobQueue(database);
    await jobs.start();
    const withTransaction = transactionRunner(database);
    const keys = Array.from({ length: 20 }, (_, i) => `two-processes-${i}`);
    await withTransaction(async (tx) => {
      for (const key of keys) {
        await jobs.enqueue(
          tx,
          'mail.send',
          { key, to: 'duty.la@lantern.invalid', subject: `Test ${key}`, text: 'Synthetic message' },
          { singletonKey: key },
        );
      }
    });
    await jobs.stop();
    const subjects = () =>
      smtp.received.map((m) => /Subject: (Test two-processes-\d+)/.exec(m.raw)?.[1]).filter(Boolean);
    for (let i = 0; i < 300 && subjects().length < keys.length; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    // Give a second delivery, were there one, time to arrive.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(subjects().sort()).toEqual(keys.map((k) => `Test ${k}`).sort());
    const { rows } = await database.raw.query<{ state: string; retries: number }>(
      `select state, retry_count as retries from pgboss.job where name = 'mail.send' and singleton_key like 'two-processes-%'`,
    );
    expect(rows).toHaveLength(keys.length);
    expect(rows.every((r) => r.state === 'completed' && Number(r.retries) === 0)).toBe(true);
    await database.close();
  }, 60_000);
});
