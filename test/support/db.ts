import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/platform/db/client';
import { withDatabase } from './global-setup';

/**
 * A fresh, migrated database for one test file: a PGlite loaded from the template dump, or, when
 * the suite runs with DATABASE_URL, a PostgreSQL database copied from the template database.
 */
export async function freshDatabase(): Promise<Database> {
  const template = inject('postgresTemplate');
  const adminUrl = inject('postgresAdminUrl');
  if (template && adminUrl) {
    const name = `${template}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    return openDatabase({ databaseUrl: withDatabase(adminUrl, name), poolSize: 4 });
  }
  const dump = readFileSync(inject('pgliteTemplate'));
  return openDatabase({ pgliteDataDir: 'memory://', loadDataDir: new Blob([dump]) });
}

export function databaseKind(): 'pglite' | 'postgres' {
  return inject('postgresTemplate') ? 'postgres' : 'pglite';
}
