import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/client';
import { migrateDatabase } from '../../src/platform/db/migrate';
import { JobQueue } from '../../src/platform/jobs/jobs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    postgresAdminUrl: string | null;
  }
}

/**
 * Migrates once into a template: a PGlite data-folder dump that each test file loads, and on
 * PostgreSQL a template database each test file copies with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lantern-test-'));
  const pglite = await openDatabase({ pgliteDataDir: 'memory://' });
  await migrateDatabase(pglite);
  await installJobQueue(pglite);
  const dump = await pglite.pglite?.dumpDataDir('none');
  await pglite.close();
  if (!dump) throw new Error('PGlite did not dump its data folder');
  const templatePath = path.join(dir, 'template.tar');
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', templatePath);

  const adminUrl = process.env.DATABASE_URL || null;
  let templateName: string | null = null;
  if (adminUrl) {
    templateName = `lantern_tpl_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${templateName}`);
    await admin.end();
    const database = await openDatabase({ databaseUrl: withDatabase(adminUrl, templateName), poolSize: 1 });
    await migrateDatabase(database);
    await installJobQueue(database);
    await database.close();
  }
  project.provide('postgresTemplate', templateName);
  project.provide('postgresAdminUrl', adminUrl);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (adminUrl && templateName) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
        [templateName, `${templateName}_%`],
      );
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
    }
  };
}

/** pg-boss's own schema goes into the template too, so no test file waits for it to install. */
async function installJobQueue(database: Awaited<ReturnType<typeof openDatabase>>): Promise<void> {
  const jobs = new JobQueue(database);
  await jobs.start();
  await jobs.stop();
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
