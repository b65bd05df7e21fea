import path from 'node:path';
import type { Config } from '../../config';
import { type Database, openDatabase } from './client';
import { migrateDatabase } from './migrate';

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite in the data folder) and migrates it. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDataDir: path.join(config.dataDir, 'pglite'),
  });
  await migrateDatabase(database);
  return database;
}
