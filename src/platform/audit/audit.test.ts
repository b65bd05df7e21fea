import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { runCli } from '../../../test/support/cli';
import { contextFor } from '../../../test/support/contexts';
import { databaseKind } from '../../../test/support/db';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { transactionRunner } from '../db/transaction';
import { recordAudit, sealAll, verifyAuditLog } from './audit';
import { auditEvent } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function auditCount(): Promise<number> {
  const [row] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(auditEvent));
  return Number(row?.n);
}

/** Changes an audit row as a database superuser would, going round the application's trigger. */
async function tamper(seq: number, action: string): Promise<void> {
  await t.database.raw.exec(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_insert_only`);
  await t.database.raw.query(`UPDATE audit_event SET action = $1 WHERE seq = $2`, [action, seq]);
  await t.database.raw.exec(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_insert_only`);
}

describe(`audit log (${databaseKind()})`, () => {
  it('writes the audit row in the same transaction as the change', async () => {
    const ctx = await contextFor(t, 'hub.admin@lantern.invalid');
    const before = await auditCount();
    const agencyId = ctx.actor?.agencyId ?? '';
    const { id } = await t.services.users.create(ctx, {
      name: 'Audit Probe',
      email: 'audit.probe@lantern.invalid',
      agencyId,
      roles: ['analyst'],
    });
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.subjectId, id)).orderBy(desc(auditEvent.seq)),
    );
    expect(rows.map((r) => r.action)).toContain('user.create');
    expect(rows[0]?.actorUserId).toBe(ctx.actor?.userId);
    expect(rows[0]?.requestId).toBe(ctx.requestId);

    // A change that fails leaves no audit row behind.
    const mid = await auditCount();
    await expect(
      t.services.users.create(ctx, {
        name: 'Duplicate',
        email: 'audit.probe@lantern.invalid',
        agencyId,
        roles: ['analyst'],
      }),
    ).rejects.toThrow(/already exists/);
    expect(await auditCount()).toBe(mid);
    expect(mid).toBeGreaterThan(before);
  });

  it('writes every row of a transaction that records thousands, more than one statement can carry', async () => {
    const ctx = await contextFor(t, 'hub.admin@lantern.invalid');
    const before = await auditCount();
    // 8,000 rows of 10 parameters each is past PostgreSQL's 65,535 parameters a statement.
    await t.services.withTransaction(async (tx) => {
      for (let i = 0; i < 8000; i += 1)
        await recordAudit(tx, ctx, { action: 'probe.bulk', subjectType: 'probe' });
    });
    expect((await auditCount()) - before).toBe(8000);
  });

  it('rolls back the audit row when the work after it fails', async () => {
    const ctx = await contextFor(t, 'hub.admin@lantern.invalid');
    const before = await auditCount();
    await expect(
      t.services.withTransaction(async (tx) => {
        await recordAudit(tx, ctx, { action: 'probe.rollback' });
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await auditCount()).toBe(before);
  });

  it('refuses the application an UPDATE or DELETE of an audit row', async () => {
    const [row] = await t.services.withTransaction((tx) => tx.select().from(auditEvent).limit(1));
    const seq = row?.seq ?? 0;
    await expect(
      t.services.withTransaction((tx) =>
        tx.update(auditEvent).set({ action: 'rewritten' }).where(eq(auditEvent.seq, seq)),
      ),
    ).rejects.toThrow();
    await expect(
      t.services.withTransaction((tx) => tx.delete(auditEvent).where(eq(auditEvent.seq, seq))),
    ).rejects.toThrow();
    await expect(t.database.raw.exec('TRUNCATE audit_event')).rejects.toThrow();
    const [again] = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.seq, seq)),
    );
    expect(again?.action).toBe(row?.action);
  });

  it('seals the log into a chain that verifies, and refuses to reseal a sealed row', async () => {
    const sealed = await sealAll(t.services.withTransaction);
    expect(sealed).toBeGreaterThan(0);
    const result = await verifyAuditLog(t.services.withTransaction);
    expect(result).toEqual({ ok: true, sealed: await auditCount(), unsealed: 0 });
    const [row] = await t.services.withTransaction((tx) => tx.select().from(auditEvent).limit(1));
    await expect(
      t.services.withTransaction((tx) =>
        tx
          .update(auditEvent)
          .set({ hash: 'f'.repeat(64) })
          .where(eq(auditEvent.seq, row?.seq ?? 0)),
      ),
    ).rejects.toThrow();
  });

  it('names the first broken link when a row is altered behind the application’s back', async () => {
    await sealAll(t.services.withTransaction);
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).orderBy(auditEvent.chainPos),
    );
    const victim = rows[Math.floor(rows.length / 2)];
    if (!victim?.chainPos) throw new Error('no sealed row to alter');
    await tamper(victim.seq, 'user.view');
    const result = await verifyAuditLog(t.services.withTransaction);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.brokenAt.chainPos).toBe(victim.chainPos);
    expect(result.brokenAt.seq).toBe(victim.seq);
    expect(result.sealed).toBe(victim.chainPos - 1);
    await tamper(victim.seq, victim.action);
    expect((await verifyAuditLog(t.services.withTransaction)).ok).toBe(true);
  });

  it('keeps sealing new rows onto the end of the chain', async () => {
    const ctx = await contextFor(t, 'auditor@lantern.invalid');
    await t.services.withTransaction((tx) =>
      recordAudit(tx, ctx, { action: 'probe.later', reason: 'free text kept apart' }),
    );
    const before = await verifyAuditLog(t.services.withTransaction);
    expect(before.unsealed).toBe(1);
    expect(await sealAll(t.services.withTransaction)).toBe(1);
    const after = await verifyAuditLog(t.services.withTransaction);
    expect(after).toMatchObject({ ok: true, unsealed: 0 });
  });
});

describe('lantern audit verify (the command)', () => {
  it('prints OK with the count on a clean chain, and the broken link with exit code 1 after tampering', async () => {
    // The command opens its own database, so it gets one it can reach: a PGlite folder, or the suite's PostgreSQL.
    let env: NodeJS.ProcessEnv;
    let cleanup: () => Promise<void>;
    let originalAction = '';
    if (t.database.kind === 'postgres') {
      const url = t.database.url ?? '';
      env = { DATABASE_URL: url, LOG_LEVEL: 'silent' };
      cleanup = async () => {};
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'lantern-cli-'));
      const database = await openDatabase({ pgliteDataDir: path.join(dir, 'pglite') });
      await migrateDatabase(database);
      const ctx = await contextFor(t, 'auditor@lantern.invalid');
      const withTransaction = transactionRunner(database);
      for (let i = 0; i < 5; i++)
        await withTransaction((tx) => recordAudit(tx, { ...ctx, actor: null }, { action: `probe.${i}` }));
      await database.close();
      env = { LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    try {
      const ok = await runCli(env, 'audit', 'verify');
      expect(ok.stdout).toMatch(/^OK: \d+ audit events verified\./m);

      if (t.database.kind === 'postgres') {
        const [row] = await t.services.withTransaction((tx) =>
          tx.select().from(auditEvent).where(eq(auditEvent.chainPos, 3)),
        );
        originalAction = row?.action ?? '';
        await tamper(row?.seq ?? 0, 'tampered');
      } else {
        const reopened = await openDatabase({
          pgliteDataDir: path.join(env.LANTERN_DATA_DIR ?? '', 'pglite'),
        });
        await reopened.raw.exec(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_insert_only;
          UPDATE audit_event SET action = 'tampered' WHERE chain_pos = 3;
          ALTER TABLE audit_event ENABLE TRIGGER audit_event_insert_only;`);
        await reopened.close();
      }
      const broken = await runCli(env, 'audit', 'verify');
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/BROKEN at chain position 3 \(audit event \d+\)/);
      if (t.database.kind === 'postgres') {
        const [row] = await t.services.withTransaction((tx) =>
          tx.select().from(auditEvent).where(eq(auditEvent.chainPos, 3)),
        );
        await tamper(row?.seq ?? 0, originalAction);
      }
    } finally {
      await cleanup();
    }
  });
});

describe('the sealer job', () => {
  it('seals new audit rows when the audit.seal job runs', async () => {
    const { startWorkers } = await import('../jobs/workers');
    const ctx = await contextFor(t, 'auditor@lantern.invalid');
    await t.services.withTransaction((tx) => recordAudit(tx, ctx, { action: 'probe.job' }));
    expect((await verifyAuditLog(t.services.withTransaction)).unsealed).toBeGreaterThan(0);
    await startWorkers(t.services, 0.5);
    await t.services.jobs.boss.send('audit.seal', {});
    const started = Date.now();
    while ((await verifyAuditLog(t.services.withTransaction)).unsealed > 0) {
      if (Date.now() - started > 15_000) throw new Error('the sealer did not run');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await verifyAuditLog(t.services.withTransaction)).toMatchObject({ ok: true, unsealed: 0 });
  });
});
