import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { freshDatabase } from '../../../test/support/db';
import { loadConfig } from '../../config';
import { child, childAccess } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { systemClock } from '../../platform/context';
import { openConfiguredDatabase } from '../../platform/db/open';
import { createServices, type Services } from '../../services';
import { seedDemo } from '../../synth/demo';
import { episode } from '../episodes/tables';

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
const dir = mkdtempSync(path.join(tmpdir(), 'lantern-import-cli-'));

/** Opens the database the command uses, for setting up and checking; closed before the command runs. */
async function withDatabase<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const database = await openConfiguredDatabase(config);
  try {
    return await fn(createServices(database, config, systemClock));
  } finally {
    await database.close();
  }
}

const episodes = () =>
  withDatabase(async (s) => {
    const [row] = await s.withTransaction((tx) => tx.select({ n: count() }).from(episode));
    return Number(row?.n);
  });

beforeAll(async () => {
  const database = await freshDatabase();
  if (database.kind === 'postgres') {
    env = { DATABASE_URL: database.url ?? '', LOG_LEVEL: 'silent' };
    cleanup = () => database.close();
  } else {
    await database.close();
    env = { LANTERN_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
    cleanup = async () => undefined;
  }
  await withDatabase(async (s) => {
    await seedDemo(s.withTransaction, systemClock, 'cli-import-password');
    await s.withTransaction(async (tx) => {
      const [police] = await tx
        .select({ id: agency.id })
        .from(agency)
        .where(eq(agency.name, 'West Yorkshire Police'));
      if (!police) throw new Error('no West Yorkshire Police');
      for (const [i, id] of [
        '00000000-0000-4000-8000-00000000c001',
        '00000000-0000-4000-8000-00000000c002',
      ].entries()) {
        await tx
          .insert(child)
          .values({ id, givenName: 'Example', familyName: `Cli${i}`, policePersonId: `CLI-P-${i}` });
        await tx.insert(childAccess).values({
          childId: id,
          agencyId: police.id,
          basis: 'case_team',
          validFrom: new Date('2020-01-01T00:00:00Z'),
        });
      }
    });
  });
}, 60_000);
afterAll(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => runCli(env, ...args);

describe('lantern import episodes', () => {
  it('lists every bad row on a dry run and imports nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        'Reference,Person ID,Type,Last seen,Found',
        'CLI-1,CLI-P-0,Missing,05/01/2026 18:00,06/01/2026 08:00',
        'CLI-2,CLI-P-9,Missing,05/01/2026 18:00,06/01/2026 08:00',
        'CLI-3,CLI-P-1,Missing,yesterday,06/01/2026 08:00',
      ].join('\n'),
    );
    const result = await run('import', 'episodes', file, '--dry-run', '--as', 'coordinator@lantern.invalid');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Row 3 (CLI-2): No child you may see matches the identifiers given (unknown child)',
    );
    expect(result.stderr).toContain('Row 4 (CLI-3): When the child was last seen is not a date and time');
    expect(result.stderr).toContain('2 rows have problems; nothing was imported.');
    expect(await episodes()).toBe(0);
  }, 60_000);

  it('imports with a mapping file, and a second import changes nothing', async () => {
    const file = path.join(dir, 'good.csv');
    writeFileSync(
      file,
      [
        'Ref no,Nominal,Category,Seen,Back',
        'CLI-1,CLI-P-0,Missing,05/01/2026 18:00,06/01/2026 08:00',
        'CLI-2,CLI-P-1,Absent,05/01/2026 18:00,',
      ].join('\n'),
    );
    const mapping = path.join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        policeReference: 'Ref no',
        policePersonId: 'Nominal',
        kind: 'Category',
        startedAt: 'Seen',
        endedAt: 'Back',
      }),
    );
    const as = ['--as', 'coordinator@lantern.invalid', '--mapping', mapping];
    const first = await run('import', 'episodes', file, ...as);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('Imported. 2 rows: 2 new, 0 unchanged.');
    expect(first.code).toBe(0);
    const second = await run('import', 'episodes', file, ...as);
    expect(second.stdout).toBe('Imported. 2 rows: 0 new, 2 unchanged.');
    expect(await episodes()).toBe(2);
  }, 60_000);

  it('needs a police user who may import', async () => {
    const file = path.join(dir, 'good.csv');
    const nobody = await run('import', 'episodes', file);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('--as <email>');
    const analyst = await run('import', 'episodes', file, '--as', 'analyst@lantern.invalid');
    expect(analyst.code).toBe(1);
    expect(analyst.stderr).toContain('is not a police user who may import reports');
  }, 60_000);
});
