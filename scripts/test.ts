// `npm test`: typecheck, lint, the suite on PGlite, the same suite on PostgreSQL when DATABASE_URL
// is set, and the browser journeys. Fails when any part fails or runs no test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAssets } from './build-assets';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const results = path.join(root, 'test-results');

interface Part {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
}
const parts: Part[] = [];

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  const ok = r.status === 0;
  parts.push({ name, ok, passed: 0, failed: ok ? 0 : 1, seconds: (Date.now() - started) / 1000 });
  return ok;
}

function suite(name: string, config: string, env: NodeJS.ProcessEnv): void {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const out = path.join(results, `${name.replace(/\W+/g, '-')}.json`);
  rmSync(out, { force: true });
  const r = spawnSync(
    bin('vitest'),
    ['run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { cwd: root, stdio: 'inherit', env },
  );
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    passed = report.numPassedTests;
    failed = report.numFailedTests;
  }
  // A suite that ran nothing has failed: a broken glob must not pass quietly.
  const ok = r.status === 0 && passed > 0 && failed === 0;
  parts.push({
    name,
    ok,
    passed,
    failed: ok ? failed : Math.max(failed, 1),
    seconds: (Date.now() - started) / 1000,
  });
}

mkdirSync(results, { recursive: true });
const databaseUrl = process.env.DATABASE_URL || '';
const pgliteEnv = { ...process.env, DATABASE_URL: '' };

step('typecheck', bin('tsc'), ['--noEmit']);
step('lint', bin('biome'), ['check', '.']);
console.log('\n=== assets ===');
buildAssets();
suite('suite on PGlite', 'vitest.config.ts', pgliteEnv);
if (databaseUrl) {
  suite('suite on PostgreSQL', 'vitest.config.ts', { ...process.env, DATABASE_URL: databaseUrl });
  suite('two processes on PostgreSQL', 'vitest.multiprocess.config.ts', {
    ...process.env,
    DATABASE_URL: databaseUrl,
  });
} else
  console.log(
    '\nDATABASE_URL is not set: the suite ran on PGlite only. CI sets it to run on PostgreSQL too.',
  );
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  console.error('\nBrowser tests need Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium).');
  parts.push({ name: 'browser journeys', ok: false, passed: 0, failed: 1, seconds: 0 });
} else {
  suite('browser journeys', 'vitest.e2e.config.ts', pgliteEnv);
}

console.log('\n=== summary ===');
for (const p of parts) {
  const counts = p.passed || p.failed ? ` (${p.passed} passed, ${p.failed} failed)` : '';
  console.log(`${p.ok ? 'ok  ' : 'FAIL'}  ${p.name}${counts}  ${p.seconds.toFixed(1)} s`);
}
const passed = parts.reduce((n, p) => n + p.passed, 0);
const failed = parts.reduce((n, p) => n + (p.ok ? 0 : Math.max(p.failed, 1)), 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(parts.every((p) => p.ok) ? 0 : 1);
