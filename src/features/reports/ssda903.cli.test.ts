import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { freshDatabase } from '../../../test/support/db';
import { systemClock } from '../../platform/context';
import { ssda903Headers } from './ssda903';
import { currentCollectionYear } from './ssda903.routes';

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
const out = mkdtempSync(path.join(tmpdir(), 'lantern-ssda903-'));

beforeAll(async () => {
  const database = await freshDatabase();
  if (database.kind === 'postgres') {
    env = { DATABASE_URL: database.url ?? '', LOG_LEVEL: 'silent' };
    cleanup = () => database.close();
  } else {
    await database.close();
    const dir = mkdtempSync(path.join(tmpdir(), 'lantern-cli-'));
    env = { LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
afterAll(async () => {
  await cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe('lantern export ssda903', () => {
  it('writes the Header, Episodes and Missing files of the demo authority', async () => {
    expect((await runCli(env, 'seed', '--password', 'cli-demo-password')).code).toBe(0);
    const year = String(currentCollectionYear(systemClock.now()));
    const run = await runCli(
      env,
      'export',
      'ssda903',
      '--authority',
      'E08000035',
      '--year',
      year,
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('problems found by the check.');
    for (const table of ['Header', 'Episodes', 'Missing'] as const) {
      const text = readFileSync(path.join(out, `${table}.csv`), 'utf8');
      const rows = parse(text) as string[][];
      expect(rows[0]).toEqual([...ssda903Headers[table]]);
      expect(rows.length).toBeGreaterThan(10);
      expect(run.stdout).toContain(`${table}.csv: ${rows.length - 1} rows`);
    }
  }, 180_000);

  it('refuses an unknown authority code', async () => {
    const run = await runCli(env, 'export', 'ssda903', '--authority', 'X99', '--year', '2026', '--out', out);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('not a local authority code');
  });
});
