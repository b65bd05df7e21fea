// `npm run bench`: figures, never pass or fail. Against PostgreSQL (DATABASE_URL) at force and
// national scale, with load from this process over loopback; then PGlite at demo scale.
// Usage: npm run bench -- [--scale force] [--scale national] [--seconds 10] [--no-pglite]
//   [--only audit|hotspots|networks|reports|load] (repeatable: only those parts at PostgreSQL scale)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchAudit } from './audit';
import { benchHotspots } from './hotspots';
import { benchNetworks } from './networks';
import { benchReports } from './reports';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'lantern-demo-password';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'no-pglite': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    out: { type: 'string', default: path.join(root, 'bench/results/latest.json') },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const scales = (args.scale ?? ['force', 'national']) as ('force' | 'national')[];
const expectedChildren = { force: 15_000, national: 300_000 };
const parts = ['audit', 'hotspots', 'networks', 'reports', 'load'] as const;
const only = new Set(args.only ?? parts);
for (const part of only) {
  if (!(parts as readonly string[]).includes(part))
    throw new Error(`--only takes one of ${parts.join(', ')}`);
}

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
}
const results: { machine: Record<string, unknown>; runs: { label: string; figures: Figure[] }[] } = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    date: new Date().toISOString(),
  },
  runs: [],
};

// ---- Helpers ------------------------------------------------------------------------------------

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

interface Server {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A Lantern server in its own process, as it runs in production but for the second factor. */
async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      // Templates cached and no second factor, so the benchmark can sign in with passwords.
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LANTERN_DEMO: 'false',
      API_RATE_LIMIT_PER_MINUTE: '0',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/sign-in`, 120_000);
  return {
    base,
    process: child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** The peak resident memory of a process, from Linux's /proc. */
function peakMemoryMiB(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return Number.NaN;
  }
}

/** Signs in through the web form and returns the session's cookie header. */
async function signIn(base: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) jar.set(k.trim(), v.join('='));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/sign-in`);
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const r = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }),
  });
  keep(r);
  if (r.status !== 303) throw new Error(`sign-in as ${email} answered ${r.status}`);
  return cookie();
}

interface Load {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/**
 * Load from this process: `connections` at once for `seconds`, each request from `next()`.
 * Latencies are taken from every response, so the percentiles are exact (p95 included).
 */
function load(
  base: string,
  next: () => { path: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
  headers: Record<string, string>,
): Promise<Load> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        headers,
        requests: [
          {
            setupRequest: (request) => {
              const n = next();
              return {
                ...request,
                path: n.path,
                method: n.method ?? 'GET',
                ...(n.body ? { body: n.body } : {}),
                headers: { ...request.headers, ...n.headers },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((x, y) => x - y);
        resolve({
          rps: Math.round(result.requests.average),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          errors: result.errors + result.non2xx,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

const rotate = <T>(list: T[]) => {
  let i = 0;
  return () => list[i++ % list.length] as T;
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

// ---- PostgreSQL at force and national scale --------------------------------------------------------

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database holding the scale's dataset: made and seeded on first use, reused afterwards. */
async function dataset(adminUrl: string, scale: 'force' | 'national'): Promise<string> {
  const name = `lantern_bench_${scale}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  let ready = false;
  if (exists.rowCount) {
    const db = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
    await db.connect();
    const n = await db
      .query('select count(*)::int as n from child')
      .then((r) => Number(r.rows[0]?.n))
      .catch(() => 0);
    await db.end();
    ready = n === expectedChildren[scale];
    if (!ready) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
  if (!ready) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  if (!ready) {
    console.log(`Loading the ${scale} dataset into ${name} (once; later runs reuse it)`);
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'seed', '--scale', scale], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'development', LANTERN_DEMO_PASSWORD: PASSWORD },
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`seeding the ${scale} dataset failed`);
    results.runs.push({
      label: `load ${scale}`,
      figures: [{ name: `lantern seed --scale ${scale}`, value: (Date.now() - started) / 1000, unit: 's' }],
    });
  }
  return url;
}

async function benchPostgres(adminUrl: string, scale: 'force' | 'national'): Promise<void> {
  const url = await dataset(adminUrl, scale);
  if (only.has('audit'))
    results.runs.push({ label: `Audit chain, PostgreSQL, ${scale} scale`, figures: await benchAudit(url) });
  if (only.has('hotspots'))
    results.runs.push({ label: `Hotspots, PostgreSQL, ${scale} scale`, figures: await benchHotspots(url) });
  if (only.has('networks'))
    results.runs.push({ label: `Networks, PostgreSQL, ${scale} scale`, figures: await benchNetworks(url) });
  if (scale === 'national' && only.has('reports'))
    results.runs.push({ label: 'Annual report', figures: await benchReports(url) });
  if (!only.has('load')) return;
  const db = new pg.Pool({ connectionString: url, max: connections });
  const one = async <T>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as T[];
  const [leeds] = await one<{ id: string }>(
    `select id from agency where type = 'local_authority' and local_authority_code = 'E08000035'`,
  );
  // Children the Leeds MASH practitioner may see, and names to search for.
  const children = await one<{ id: string; family_name: string }>(
    `select c.id, c.family_name from child c join child_access a on a.child_id = c.id
      where a.agency_id = $1 and a.basis = 'creator' order by c.id limit 500`,
    [leeds?.id],
  );
  const server = await startServer({ DATABASE_URL: url });
  const figures: Figure[] = [];
  try {
    const social = await signIn(server.base, 'social.mash@lantern.invalid');
    const police = await signIn(server.base, 'police.mash@lantern.invalid');
    const lead = await signIn(server.base, 'missing.lead@lantern.invalid');
    const pages: [string, string, () => { path: string }, string, string][] = [
      [
        'child page',
        social,
        () => ({ path: `/children/${nextChild().id}` }),
        '≥ 400 rps, p95 ≤ 50 ms',
        'child',
      ],
      ['MASH queue', police, () => ({ path: '/mash' }), 'p95 ≤ 100 ms', 'mash'],
      ['return-interview queue', lead, () => ({ path: '/return-interviews' }), '', 'ri'],
      [
        'name search',
        social,
        () => ({ path: `/children?name=${encodeURIComponent(nextChild().family_name)}` }),
        'p95 ≤ 100 ms',
        'search',
      ],
    ];
    const nextChild = rotate(children);
    for (const [name, cookie, next, target] of pages) {
      const l = await load(server.base, next, { cookie });
      console.log(`${scale} ${name}: ${l.rps} rps, p95 ${l.p95} ms (${l.errors} errors)`);
      figures.push(
        { name: `${name}: requests per second`, value: l.rps, unit: 'rps', ...(target ? { target } : {}) },
        { name: `${name}: p50`, value: l.p50, unit: 'ms' },
        { name: `${name}: p95`, value: l.p95, unit: 'ms', ...(target ? { target } : {}) },
        { name: `${name}: p99`, value: l.p99, unit: 'ms' },
        { name: `${name}: errors`, value: l.errors, unit: 'count' },
      );
    }

    // The child page's SQL beside the whole request, from its Server-Timing header.
    const db_: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const r = await fetch(`${server.base}/children/${nextChild().id}`, { headers: { cookie: social } });
      await r.arrayBuffer();
      const t = r.headers.get('server-timing') ?? '';
      db_.push(Number(/db;dur=([\d.]+)/.exec(t)?.[1]));
      whole.push(Number(/app;dur=([\d.]+)/.exec(t)?.[1]));
    }
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    figures.push(
      { name: 'child page: SQL alone (median, one at a time)', value: median(db_), unit: 'ms' },
      { name: 'child page: whole request (median, one at a time)', value: median(whole), unit: 'ms' },
      { name: 'child page: SQL share of the request', value: median(db_) / median(whole), unit: 'ratio' },
    );

    // Reporting episodes through the API, with audit, alerts and jobs; then bare INSERTs of the same
    // rows. Each child is reported once, by a user of the authority that recorded it.
    const tokens = JSON.parse(
      spawnSync(process.execPath, ['--import', 'tsx', 'bench/token.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      }).stdout,
    ) as Record<string, string>;
    const [{ now: benchStarted } = { now: new Date() }] = await one<{ now: Date }>('select now() as now');
    const candidates = await one<{ id: string; agency_id: string; force: string }>(
      `select c.id, c.created_by_agency_id as agency_id, la.police_force_code as force
         from child c
         join agency a on a.id = c.created_by_agency_id
         join local_authority la on la.code = a.local_authority_code
        where not exists (select 1 from episode e where e.child_id = c.id and e.ended_at is null
                            and e.entered_in_error_at is null)
        order by md5(c.id::text)
        limit 40000`,
    );
    const half = Math.floor(candidates.length / 2);
    const apiChildren = rotate(candidates.slice(0, half));
    const api = await load(
      server.base,
      () => {
        const c = apiChildren();
        return {
          path: `/api/v1/children/${c.id}/episodes`,
          method: 'POST',
          body: JSON.stringify({
            kind: 'missing',
            startedAt: new Date(Date.now() - 3_600_000).toISOString(),
            policeForceCode: c.force,
          }),
          headers: { authorization: `Bearer ${tokens[c.agency_id] ?? ''}` },
        };
      },
      { 'content-type': 'application/json' },
    );
    console.log(`${scale} report episode (API): ${api.rps}/s, p95 ${api.p95} ms (${api.errors} errors)`);
    const bare = await bareInserts(db, candidates.slice(half));
    // The benchmark's episodes are marked entered in error, so they count for nothing and the
    // children are free for the next run.
    await db.query(
      `update episode set entered_in_error_at = now(), entered_in_error_reason = 'Benchmark load'
        where created_at >= $1 and entered_in_error_at is null`,
      [benchStarted],
    );
    figures.push(
      { name: 'report an episode (API): per second', value: api.rps, unit: 'rps', target: '≥ 300' },
      { name: 'report an episode (API): p95', value: api.p95, unit: 'ms' },
      { name: 'report an episode (API): errors', value: api.errors, unit: 'count' },
      { name: 'bare INSERT of an episode: per second', value: bare.rps, unit: 'rps' },
      { name: 'bare INSERT of an episode: p95', value: bare.p95, unit: 'ms' },
      {
        name: 'API time ÷ bare INSERT time (per row, same load)',
        value: bare.rps / api.rps,
        unit: 'ratio',
        target: '≤ 5',
      },
    );
    figures.push({
      name: 'server peak memory',
      value: peakMemoryMiB(server.process.pid),
      unit: 'MiB',
      target: '≤ 500',
    });
  } finally {
    await server.stop();
    await db.end();
  }
  results.runs.push({ label: `PostgreSQL, ${scale} scale`, figures });
}

/** The same rows as the API writes, by plain INSERTs through `pg` with as many connections. */
async function bareInserts(db: pg.Pool, children: { id: string; agency_id: string; force: string }[]) {
  // Each child once: a second open episode for a child would break the one-open-episode rule.
  let next = 0;
  const latencies: number[] = [];
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until && next < children.length) {
        const c = children[next++];
        if (!c) break;
        const t0 = performance.now();
        await db.query(
          `insert into episode (child_id, kind, started_at, reported_at, reported_by_agency_id, police_force_code, created_at)
           values ($1, 'missing', now() - interval '1 hour', now(), $2, $3, now())`,
          [c.id, c.agency_id, c.force],
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed),
    p95: Math.round(percentile(latencies, 95) * 10) / 10,
  };
}

// ---- PGlite at demo scale -------------------------------------------------------------------------

async function benchPglite(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  const port = await freePort();
  const started = Date.now();
  // `npm start` itself, on an empty data folder: assets, migrations, demo data, then listening.
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), LANTERN_DATA_DIR: dir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const figures: Figure[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/sign-in`, 300_000);
    figures.push({
      name: 'npm start to the sign-in page',
      value: (Date.now() - started) / 1000,
      unit: 's',
      target: '≤ 10',
    });
    const cookie = await signIn(base, 'social.mash@lantern.invalid');
    const list = await (await fetch(`${base}/children`, { headers: { cookie } })).text();
    const ids = [
      ...new Set([...list.matchAll(/href="\/children\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string)),
    ];
    const next = rotate(ids);
    const l = await load(base, () => ({ path: `/children/${next()}` }), { cookie });
    figures.push(
      { name: 'child page (demo): requests per second', value: l.rps, unit: 'rps' },
      { name: 'child page (demo): p50', value: l.p50, unit: 'ms' },
      { name: 'child page (demo): p95', value: l.p95, unit: 'ms', target: '≤ 30' },
      { name: 'child page (demo): p99', value: l.p99, unit: 'ms' },
      { name: 'child page (demo): errors', value: l.errors, unit: 'count' },
    );
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
  results.runs.push({ label: 'PGlite, demo scale', figures });
}

// ---- Run ----------------------------------------------------------------------------------------

const adminUrl = process.env.DATABASE_URL;
if (adminUrl) {
  for (const scale of scales) await benchPostgres(adminUrl, scale);
} else {
  console.log('DATABASE_URL is not set: the PostgreSQL figures need a server (see docs/performance.md).');
}
if (!args['no-pglite']) await benchPglite();

console.log(`\nLantern benchmark, ${results.machine.cpus} CPUs, Node ${results.machine.node}`);
for (const run of results.runs) {
  console.log(`\n${run.label}`);
  for (const f of run.figures) {
    const value = f.unit === 'ratio' ? f.value.toFixed(2) : Math.round(f.value * 10) / 10;
    console.log(
      `  ${f.name.padEnd(52)} ${String(value).padStart(9)} ${f.unit.padEnd(5)} ${f.target ? `target ${f.target}` : ''}`,
    );
  }
}
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nFigures written to ${path.relative(root, args.out)}`);
