import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { localAuthorities, policeForces } from '../agencies/reference-data';
import { localAuthority, policeForce } from '../agencies/tables';
import type { Database, Db } from './client';

export const migrationsFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../db/migrations',
);

// Any constant will do, as long as every Lantern process uses the same one.
const MIGRATION_LOCK = 7_316_004_211;

/** Applies the committed migrations, then brings the reference data up to date. Safe to run concurrently. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.orm as unknown as PgliteDatabase, { migrationsFolder });
    await syncReferenceData(database.orm);
    return;
  }
  const pool = database.pool;
  if (!pool) throw new Error('PostgreSQL database without a pool');
  // Session advisory lock on one client, so several processes starting together migrate once.
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const orm = drizzlePg(client);
    await migratePg(orm, { migrationsFolder });
    await syncReferenceData(orm as unknown as Db);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

async function syncReferenceData(orm: Db): Promise<void> {
  await orm.transaction(async (tx) => {
    await tx
      .insert(policeForce)
      .values(policeForces.map((f) => ({ code: f.code, name: f.name })))
      .onConflictDoUpdate({ target: policeForce.code, set: { name: sql`excluded.name` } });
    await tx
      .insert(localAuthority)
      .values(
        localAuthorities.map((a) => ({ code: a.code, name: a.name, policeForceCode: a.policeForceCode })),
      )
      .onConflictDoUpdate({
        target: localAuthority.code,
        set: { name: sql`excluded.name`, policeForceCode: sql`excluded.police_force_code` },
      });
  });
}
