import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { runCli } from '../../../test/support/cli';
import { contextFor } from '../../../test/support/contexts';
import { withDatabase } from '../../../test/support/global-setup';
import { seedDemoRecords } from '../../synth/demo-records';
import { sealAll, verifyAuditLog } from '../audit/audit';
import { backupPglite } from './backup';
import { type Database, openDatabase } from './client';
import { transactionRunner } from './transaction';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await buildTestApp();
  dir = mkdtempSync(path.join(tmpdir(), 'lantern-backup-'));
  await seedDemoRecords(t.services.withTransaction, t.clock);
  const admin = await contextFor(t, 'hotel.admin@lantern.invalid');
  for (const label of ['Night desk', 'Day desk', 'Car park'])
    await t.services.sightings.issueCode(admin, { label });
  // Part of the chain sealed before the backup, part left for the restored copy to seal.
  await sealAll(t.services.withTransaction);
  await t.services.sightings.issueCode(admin, { label: 'Back door' });
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every table outside the system schemas, with its number of rows. */
async function rowCounts(database: Database): Promise<Map<string, number>> {
  const { rows: tables } = await database.raw.query<{ schemaname: string; tablename: string }>(
    `SELECT schemaname, tablename FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const counts = new Map<string, number>();
  for (const { schemaname, tablename } of tables) {
    const { rows } = await database.raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schemaname}"."${tablename}"`,
    );
    counts.set(`${schemaname}.${tablename}`, rows[0]?.n ?? -1);
  }
  return counts;
}

describe('lantern backup and lantern restore', () => {
  it('restore into an empty database every row of every table, with an audit chain that verifies', async () => {
    const file = path.join(dir, t.database.kind === 'postgres' ? 'lantern.dump' : 'lantern.tar.gz');
    const before = await rowCounts(t.database);

    let env: NodeJS.ProcessEnv;
    let dropTarget = async () => {};
    const backupStarted = performance.now();
    if (t.database.kind === 'postgres') {
      const backedUp = await runCli(
        { DATABASE_URL: t.database.url, LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' },
        'backup',
        '--out',
        file,
      );
      expect(backedUp.stderr).toBe('');
      expect(backedUp.code).toBe(0);
      const adminUrl = inject('postgresAdminUrl') as string;
      const name = `lantern_restore_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      env = { DATABASE_URL: withDatabase(adminUrl, name), LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
      dropTarget = async () => {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      };
    } else {
      // The test database lives in memory: back it up the way the command does once it is open.
      if (!t.database.pglite) throw new Error('no PGlite instance');
      await backupPglite(t.database.pglite, file);
      env = { DATABASE_URL: '', LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    }
    const backupMs = performance.now() - backupStarted;

    let restored: Database | undefined;
    try {
      const restoreStarted = performance.now();
      const result = await runCli(env, 'restore', file);
      const restoreMs = performance.now() - restoreStarted;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Restored from .* in \d+ ms\.$/);

      // A second restore into the now populated target is refused and changes nothing.
      const again = await runCli(env, 'restore', file);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds Lantern tables|is not empty/);
      // With --force it replaces what is there (PGlite keeps the old folder beside the new one).
      const forced = await runCli(env, 'restore', file, '--force');
      expect(forced.stderr).toBe('');
      expect(forced.code).toBe(0);
      if (!env.DATABASE_URL)
        expect(readdirSync(dir).filter((f) => f.startsWith('pglite.before-restore-'))).toHaveLength(1);
      if (!env.DATABASE_URL) {
        // The command backs up an embedded database from its data folder too.
        const copy = path.join(dir, 'copy.tar.gz');
        expect(await runCli(env, 'backup', '--out', copy)).toMatchObject({ code: 0, stderr: '' });
        expect(statSync(copy).size).toBeGreaterThan(100_000);
      }

      restored = await openDatabase(
        env.DATABASE_URL
          ? { databaseUrl: env.DATABASE_URL, poolSize: 2 }
          : { pgliteDataDir: path.join(dir, 'pglite') },
      );
      const after = await rowCounts(restored);
      expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
      const tables = after.size;
      const rows = [...after.values()].reduce((a, b) => a + b, 0);
      expect(tables).toBeGreaterThan(20);
      expect(before.get('public.child')).toBeGreaterThan(0);
      expect(before.get('public.audit_event')).toBeGreaterThan(0);

      const withTransaction = transactionRunner(restored);
      expect(await sealAll(withTransaction)).toBeGreaterThan(0);
      const verified = await verifyAuditLog(withTransaction);
      expect(verified).toMatchObject({ ok: true, unsealed: 0 });
      expect(verified.sealed).toBe(before.get('public.audit_event'));

      console.log(
        `backup and restore (${t.database.kind}): ${tables} tables, ${rows} rows, chain of ${verified.sealed} rows verifies, backup ${Math.round(backupMs)} ms, restore ${Math.round(restoreMs)} ms`,
      );
    } finally {
      await restored?.close();
      await dropTarget();
    }
    // Two command-line runs and a whole database each way: minutes on a busy machine.
  }, 180_000);

  it('refuses a restore from a file that does not exist', async () => {
    const result = await runCli(
      { DATABASE_URL: '', LANTERN_DATA_DIR: path.join(dir, 'none'), LOG_LEVEL: 'silent' },
      'restore',
      path.join(dir, 'missing.tar.gz'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no backup file/);
  });
});
