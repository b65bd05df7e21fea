import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli';
import { freshDatabase } from '../../test/support/db';
import { demoUsers } from '../synth/demo';

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  // The command opens the database it is configured for: the suite's PostgreSQL, or a PGlite folder.
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
});
afterAll(async () => {
  await cleanup();
});

const run = (...args: string[]) => runCli(env, ...args);

describe('the lantern command', () => {
  it('seeds, adds a user with a temporary password, and lists users with agency and roles', async () => {
    const seeded = await run('seed', '--password', 'cli-demo-password');
    expect(seeded.stdout).toContain(`Demo data loaded: ${demoUsers.length} new users.`);
    const added = await run(
      'user',
      'add',
      '--email',
      'cli.person@lantern.invalid',
      '--name',
      'Cli Person',
      '--agency',
      'West Yorkshire Police',
      '--roles',
      'police_mash_officer,missing_coordinator',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Temporary password: [a-z2-9-]{19}/);
    const listed = await run('user', 'list');
    expect(listed.stdout).toContain(
      'cli.person@lantern.invalid\tWest Yorkshire Police\tpolice_mash_officer,missing_coordinator\tactive',
    );
    expect(listed.stdout.split('\n').filter(Boolean)).toHaveLength(demoUsers.length + 1);
  });

  it('refuses an unknown role, a role the agency cannot hold, and a duplicate email, changing nothing', async () => {
    const add = (email: string, agency: string, roles: string) =>
      run('user', 'add', '--email', email, '--name', 'Some One', '--agency', agency, '--roles', roles);
    const unknown = await add('a@lantern.invalid', 'Canal Street Hotel', 'wizard');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown role wizard');
    const unsuited = await add('b@lantern.invalid', 'Canal Street Hotel', 'police_mash_officer');
    expect(unsuited.code).toBe(1);
    expect(unsuited.stderr).toContain('Select only roles that this type of agency can hold');
    const duplicate = await add('police.mash@lantern.invalid', 'West Yorkshire Police', 'analyst');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    const listed = await run('user', 'list');
    expect(listed.stdout).not.toContain('a@lantern.invalid');
    expect(listed.stdout).not.toContain('b@lantern.invalid');
  });

  it('explains every command with --help', async () => {
    for (const command of [['migrate'], ['seed'], ['user', 'add'], ['user', 'list'], ['audit', 'verify']]) {
      const help = await run(...command, '--help');
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: lantern ${command.join(' ')}`);
    }
  });

  it('runs as the installed bin on the Node it is started with', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.resolve('bin/lantern.js'),
      '--help',
    ]);
    expect(stdout).toContain('Usage: lantern');
    expect(stdout).toContain('audit');
  });
});
