import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const run = promisify(execFile);

/**
 * Backups of the whole database. On PostgreSQL a `pg_dump --format=custom` archive, restored
 * with `pg_restore`; on the embedded database a gzipped tar of PGlite's data folder.
 *
 * A restore goes into an empty database (or an absent or empty PGlite data folder). It refuses
 * a target that already holds Lantern's tables unless `force` is set: then, on PostgreSQL,
 * every schema of the target is dropped first, then the archive restored; on
 * PGlite, the existing folder is kept beside the new one under a dated name, never deleted.
 */
export interface BackupTarget {
  /** PostgreSQL connection URL; when absent, the PGlite data folder below. */
  databaseUrl?: string | undefined;
  /** The PGlite data folder (LANTERN_DATA_DIR/pglite). */
  pgliteDataDir: string;
}

export class RestoreRefused extends Error {}

const PG_DUMP = '/usr/bin/pg_dump';
const PG_RESTORE = '/usr/bin/pg_restore';
/** A table every Lantern database has: its presence means the target is not empty. */
const MARKER_TABLE = 'audit_event';

/** Writes a backup of the target database to `file`. */
export async function backupDatabase(target: BackupTarget, file: string): Promise<void> {
  if (target.databaseUrl) {
    await run(
      PG_DUMP,
      ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${target.databaseUrl}`],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return;
  }
  if (!existsSync(target.pgliteDataDir))
    throw new RestoreRefused(`There is no embedded database at ${target.pgliteDataDir} to back up.`);
  const pglite = await PGlite.create({ dataDir: target.pgliteDataDir });
  try {
    await backupPglite(pglite, file);
  } finally {
    await pglite.close();
  }
}

/** Writes an open PGlite database's data folder to `file` as a gzipped tar. */
export async function backupPglite(pglite: PGlite, file: string): Promise<void> {
  const dump = await pglite.dumpDataDir('gzip');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
}

/**
 * Drops every schema but the system ones and leaves an empty `public`, in one transaction.
 * (`pg_restore --clean` cannot drop the constraints of partitioned tables the job queue keeps.)
 */
async function emptyDatabase(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
  );
  await client.query('BEGIN');
  for (const { name } of rows) await client.query(`DROP SCHEMA ${client.escapeIdentifier(name)} CASCADE`);
  await client.query('CREATE SCHEMA public');
  await client.query('COMMIT');
}

/** Restores `file` into the target database, which must be empty unless `force`. */
export async function restoreDatabase(target: BackupTarget, file: string, force = false): Promise<void> {
  if (!existsSync(file)) throw new RestoreRefused(`There is no backup file at ${file}.`);
  if (target.databaseUrl) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT 1 FROM pg_tables WHERE tablename = $1`, [MARKER_TABLE]);
      if (rows.length > 0 && !force)
        throw new RestoreRefused(
          'The target database already holds Lantern tables: restore into an empty database, or use --force to empty it first.',
        );
      if (rows.length > 0) await emptyDatabase(client);
    } finally {
      await client.end();
    }
    await run(
      PG_RESTORE,
      ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${target.databaseUrl}`, file],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return;
  }
  const dir = target.pgliteDataDir;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!force)
      throw new RestoreRefused(
        `The embedded database folder ${dir} is not empty: restore into an empty folder, or use --force to move it aside.`,
      );
    const aside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, aside);
  }
  mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const pglite = await PGlite.create({
    dataDir: path.resolve(dir),
    loadDataDir: new Blob([readFileSync(file)]),
  });
  await pglite.close();
}

/** `lantern backup` and `lantern restore`: runs one, reports it, and gives the exit code. */
export async function runBackupCommand(
  config: { databaseUrl?: string | undefined; dataDir: string },
  io: { out(line: string): void; err(line: string): void },
  action: 'backup' | 'restore',
  file: string,
  force = false,
): Promise<number> {
  const target = { databaseUrl: config.databaseUrl, pgliteDataDir: path.join(config.dataDir, 'pglite') };
  const started = performance.now();
  try {
    if (action === 'backup') await backupDatabase(target, file);
    else await restoreDatabase(target, file, force);
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    io.err(
      typeof stderr === 'string' && stderr
        ? stderr.trim()
        : error instanceof Error
          ? error.message
          : String(error),
    );
    return 1;
  }
  const ms = Math.round(performance.now() - started);
  io.out(`${action === 'backup' ? 'Backed up to' : 'Restored from'} ${file} in ${ms} ms.`);
  return 0;
}
