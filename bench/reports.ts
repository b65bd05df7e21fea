// The annual missing report against a loaded dataset: every figure for the busiest authority, the
// busiest force area and the whole country on PostgreSQL, then the same national aggregates in DuckDB
// over the same rows (copied out of PostgreSQL as CSV: no DuckDB extension, nothing downloaded), as a
// ratio. Reads only, in read-only transactions.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  type AnnualFigures,
  annualFigures,
  type FigureArea,
  type ReportPeriod,
  repeatCounts,
} from '../src/features/reports/annual.service';
import type { Tx } from '../src/platform/db/client';
import { openDatabase } from '../src/platform/db/client';
import { transactionRunner } from '../src/platform/db/transaction';
import { fromLondon } from '../src/platform/http/london-time';

interface Figure {
  name: string;
  value: number;
  unit: string;
}

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    result = await fn();
    times.push(performance.now() - started);
  }
  return { ms: round(median(times)), result: result as T };
}

/** The columns the report reads, table by table, with their DuckDB types. */
export const tables: { name: string; select: string; columns: Record<string, string> }[] = [
  {
    name: 'episode',
    select:
      'select id, child_id, kind, started_at, ended_at, police_force_code, entered_in_error_at from episode',
    columns: {
      id: 'VARCHAR',
      child_id: 'VARCHAR',
      kind: 'VARCHAR',
      started_at: 'TIMESTAMPTZ',
      ended_at: 'TIMESTAMPTZ',
      police_force_code: 'VARCHAR',
      entered_in_error_at: 'TIMESTAMPTZ',
    },
  },
  {
    name: 'child',
    select: 'select id, date_of_birth, sex, ethnicity, looked_after, responsible_authority_code from child',
    columns: {
      id: 'VARCHAR',
      date_of_birth: 'DATE',
      sex: 'VARCHAR',
      ethnicity: 'VARCHAR',
      looked_after: 'BOOLEAN',
      responsible_authority_code: 'VARCHAR',
    },
  },
  {
    name: 'placement',
    select:
      'select child_id, home_id, placing_authority_code, host_authority_code, start_date, end_date from placement',
    columns: {
      child_id: 'VARCHAR',
      home_id: 'VARCHAR',
      placing_authority_code: 'VARCHAR',
      host_authority_code: 'VARCHAR',
      start_date: 'DATE',
      end_date: 'DATE',
    },
  },
  {
    name: 'childrens_home',
    select: 'select id, name from childrens_home',
    columns: { id: 'VARCHAR', name: 'VARCHAR' },
  },
  {
    name: 'return_interview',
    select: 'select episode_id, status, offered_at, held_at from return_interview',
    columns: { episode_id: 'VARCHAR', status: 'VARCHAR', offered_at: 'TIMESTAMPTZ', held_at: 'TIMESTAMPTZ' },
  },
  {
    name: 'notice_raw',
    select: 'select id, categories, area_authority_code, raised_at from notice',
    columns: {
      id: 'VARCHAR',
      categories: 'VARCHAR',
      area_authority_code: 'VARCHAR',
      raised_at: 'TIMESTAMPTZ',
    },
  },
  {
    name: 'notice_decision',
    select: 'select notice_id, outcome_label, final_at, superseded_at from notice_decision',
    columns: {
      notice_id: 'VARCHAR',
      outcome_label: 'VARCHAR',
      final_at: 'TIMESTAMPTZ',
      superseded_at: 'TIMESTAMPTZ',
    },
  },
  {
    name: 'cse_screening',
    select: 'select child_id, level, screened_at from cse_screening',
    columns: { child_id: 'VARCHAR', level: 'VARCHAR', screened_at: 'TIMESTAMPTZ' },
  },
  {
    name: 'local_authority',
    select: 'select code, name, police_force_code from local_authority',
    columns: { code: 'VARCHAR', name: 'VARCHAR', police_force_code: 'VARCHAR' },
  },
];

/** The national figures in DuckDB's SQL: the same six statements as `annualFigures`. */
export function duckStatements(start: string, end: string): string[] {
  const ep = `select e.id, e.child_id, e.kind, e.started_at,
      (e.started_at at time zone 'Europe/London') as local_start,
      c.date_of_birth, c.sex, c.ethnicity, c.looked_after
    from episode e join child c on c.id = e.child_id
    where e.entered_in_error_at is null and e.started_at >= '${start}' and e.started_at < '${end}'`;
  return [
    `with ep as (${ep}),
      aged as (select ep.*, case
        when date_of_birth is null then 'Not known'
        when extract(year from age(local_start::date, date_of_birth)) < 11 then 'Under 11'
        when extract(year from age(local_start::date, date_of_birth)) < 14 then '11 to 13'
        when extract(year from age(local_start::date, date_of_birth)) < 16 then '14 to 15'
        when extract(year from age(local_start::date, date_of_birth)) < 18 then '16 to 17'
        else '18 or over' end as band from ep)
      select 'month' as dim, strftime(local_start, '%Y-%m') as k, kind, count(*) as episodes, count(distinct child_id) as children from ep group by 2, 3
      union all select 'total', null, kind, count(*), count(distinct child_id) from ep group by kind
      union all select 'total', null, 'all', count(*), count(distinct child_id) from ep
      union all select 'per-child', per.episodes::varchar, null, 0, count(*) from (select child_id, count(*) as episodes from ep group by child_id) per group by per.episodes
      union all select 'age', band, null, count(*), count(distinct child_id) from aged group by band
      union all select 'sex', coalesce(sex, ''), null, count(*), count(distinct child_id) from ep group by 2
      union all select 'ethnicity', coalesce(ethnicity, ''), null, count(*), count(distinct child_id) from ep group by 2
      union all select 'looked-after', case when looked_after then 'yes' else 'no' end, null, count(*), count(distinct child_id) from ep group by 2`,
    // An inner equi-join then a filter: DuckDB's left join on a date range is far slower.
    `with ep as (${ep}),
      matched as (
        select ep.id, p.placing_authority_code, p.host_authority_code, p.home_id, p.start_date
        from ep join placement p on p.child_id = ep.child_id
        where p.start_date <= ep.local_start::date and coalesce(p.end_date, date '9999-12-31') >= ep.local_start::date
        qualify row_number() over (partition by ep.id order by p.start_date desc) = 1),
      at_start as (
        select ep.id, ep.child_id, m.placing_authority_code, m.host_authority_code, h.name as home
        from ep left join matched m on m.id = ep.id left join childrens_home h on h.id = m.home_id)
      select 'placement' as dim, case when placing_authority_code is null then 'none'
          when placing_authority_code <> host_authority_code then 'out' else 'in' end as k,
        count(*) as episodes, count(distinct child_id) as children from at_start group by 2
      union all select 'home', home, count(*), count(distinct child_id) from at_start where home is not null group by home`,
    `select count(*) as ended,
        count(*) filter (where ri.offered_at is not null or ri.status in ('offered', 'accepted', 'declined', 'held')) as offered,
        count(*) filter (where ri.status in ('accepted', 'held') or ri.held_at is not null) as accepted,
        count(*) filter (where ri.held_at is not null) as held,
        count(*) filter (where ri.held_at is not null and ri.held_at <= e.ended_at + interval '72 hours') as held72
      from episode e join child c on c.id = e.child_id
      left join return_interview ri on ri.episode_id = e.id
      where e.entered_in_error_at is null and e.ended_at >= '${start}' and e.ended_at < '${end}'`,
    `with ns as (select id, categories from notice where raised_at >= '${start}' and raised_at < '${end}')
      select 'category' as dim, cat as k, count(*) as notices from (select unnest(categories) as cat from ns) group by cat
      union all select 'decision', coalesce(d.outcome_label, 'No final decision yet'), count(*)
      from ns left join notice_decision d on d.notice_id = ns.id and d.final_at is not null and d.superseded_at is null
      group by 2`,
    `select s.level, count(*) as screenings, count(distinct s.child_id) as children
      from cse_screening s join child c on c.id = s.child_id
      where s.screened_at >= '${start}' and s.screened_at < '${end}' group by s.level`,
    `select la.code, la.name, count(e.id) as episodes, count(distinct e.child_id) as children
      from local_authority la
      left join child c on c.responsible_authority_code = la.code
      left join episode e on e.child_id = c.id and e.entered_in_error_at is null
        and e.started_at >= '${start}' and e.started_at < '${end}'
      group by la.code, la.name order by la.name`,
  ];
}

/** A few sums that must agree between the two engines. */
function checksOf(f: AnnualFigures): number[] {
  const all = f.totals.find((t) => t.kind === 'all');
  return [
    all?.episodes ?? 0,
    all?.children ?? 0,
    repeatCounts(f.episodesPerChild)[0]?.children ?? 0,
    f.interviews.ended,
    f.interviews.heldWithin72,
    f.screenings.reduce((s, x) => s + x.screenings, 0),
    f.comparison.reduce((s, x) => s + x.episodes, 0),
    f.noticeCategories.reduce((s, x) => s + x.notices, 0),
    f.placement.find((p) => p.group === 'out')?.episodes ?? 0,
  ];
}

export async function benchReports(databaseUrl: string): Promise<Figure[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const withTransaction = transactionRunner(database);
  const readOnly = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTransaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return fn(tx);
    });
  const figures: Figure[] = [];
  const folder = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-reports-'));
  try {
    // The last 12 months of the dataset, and its busiest authority and force in them.
    const [busiest] = await readOnly(async (tx) => {
      const result = await tx.execute(sql`
        with last as (select max(started_at) as at from episode)
        select to_char((select at from last) at time zone 'Europe/London', 'YYYY-MM-DD') as "to",
          (select c.responsible_authority_code from episode e join child c on c.id = e.child_id
            where c.responsible_authority_code is not null and e.started_at > (select at from last) - interval '1 year'
            group by 1 order by count(*) desc limit 1) as authority,
          (select coalesce(e.police_force_code, la.police_force_code) from episode e join child c on c.id = e.child_id
            left join local_authority la on la.code = c.responsible_authority_code
            where e.started_at > (select at from last) - interval '1 year'
            group by 1 order by count(*) desc nulls last limit 1) as force`);
      return (result as unknown as { rows: { to: string; authority: string; force: string }[] }).rows;
    });
    if (!busiest) return figures;
    const [y, m, d] = busiest.to.split('-').map(Number) as [number, number, number];
    const period: ReportPeriod = {
      from: new Date(Date.UTC(y - 1, m - 1, d + 1)).toISOString().slice(0, 10),
      to: busiest.to,
    };
    const areas: { label: string; area: FigureArea }[] = [
      {
        label: `the busiest authority (${busiest.authority})`,
        area: { type: 'authority', code: busiest.authority },
      },
      { label: `the busiest force area (${busiest.force})`, area: { type: 'force', code: busiest.force } },
      { label: 'the whole country', area: { type: 'national' } },
    ];
    let national: { ms: number; result: AnnualFigures } | null = null;
    for (const { label, area } of areas) {
      const run = await timed(() => readOnly((tx) => annualFigures(tx, area, period)));
      figures.push({ name: `Annual report, every figure, 12 months, ${label}`, value: run.ms, unit: 'ms' });
      if (area.type === 'national') national = run;
    }
    if (!national) return figures;
    figures.push({
      name: 'Annual report, episodes in the national figures',
      value: national.result.totals.find((t) => t.kind === 'all')?.episodes ?? 0,
      unit: 'episodes',
    });

    // The same rows into DuckDB, through CSV files written by PostgreSQL's COPY.
    const loadStarted = performance.now();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`set timezone = 'UTC'`);
    for (const t of tables) {
      const file = path.join(folder, `${t.name}.csv`);
      await pipeline(
        client.query(copyTo(`copy (${t.select}) to stdout with (format csv, header)`)),
        createWriteStream(file),
      );
    }
    await client.end();
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    await duck.run(`set timezone = 'UTC'`);
    for (const t of tables) {
      const columns = Object.entries(t.columns)
        .map(([k, v]) => `'${k}': '${v}'`)
        .join(', ');
      const file = path.join(folder, `${t.name}.csv`);
      await duck.run(
        `create table ${t.name} as select * from read_csv('${file}', header = true, columns = {${columns}})`,
      );
    }
    await duck.run(
      `create table notice as select id, string_split(trim(categories, '{}'), ',') as categories, area_authority_code, raised_at from notice_raw`,
    );
    figures.push({
      name: 'Annual report, copying the rows into DuckDB',
      value: round(performance.now() - loadStarted),
      unit: 'ms',
    });

    const start = new Date(`${period.from}T00:00:00Z`);
    const end = new Date(`${period.to}T00:00:00Z`);
    // The period's London midnights, as annualFigures takes them.
    const startAt = fromLondon(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()) ?? start;
    const endDay = new Date(end.getTime() + 86_400_000);
    const endAt =
      fromLondon(endDay.getUTCFullYear(), endDay.getUTCMonth() + 1, endDay.getUTCDate()) ?? endDay;
    const statements = duckStatements(startAt.toISOString(), endAt.toISOString());
    const duckRun = await timed(async () => {
      const out: Record<string, unknown>[][] = [];
      for (const s of statements) out.push((await duck.runAndReadAll(s)).getRowObjectsJson());
      return out;
    });
    figures.push({
      name: 'Annual report, the same national aggregates in DuckDB',
      value: duckRun.ms,
      unit: 'ms',
    });
    figures.push({
      name: 'Annual report, DuckDB time over PostgreSQL time (national)',
      value: Math.round((duckRun.ms / national.ms) * 100) / 100,
      unit: 'ratio',
    });

    // The engines must agree, or the ratio means nothing.
    const [facts, placed, interviews, notices, screenings, comparison] = duckRun.result as {
      [k: string]: string | number | null;
    }[][];
    const num = (v: unknown) => Number(v ?? 0);
    const total = facts?.find((r) => r.dim === 'total' && r.kind === 'all');
    const duckChecks = [
      num(total?.episodes),
      num(total?.children),
      (facts ?? [])
        .filter((r) => r.dim === 'per-child' && Number(r.k) >= 2)
        .reduce((s, r) => s + num(r.children), 0),
      num(interviews?.[0]?.ended),
      num(interviews?.[0]?.held72),
      (screenings ?? []).reduce((s, r) => s + num(r.screenings), 0),
      (comparison ?? []).reduce((s, r) => s + num(r.episodes), 0),
      (notices ?? []).filter((r) => r.dim === 'category').reduce((s, r) => s + num(r.notices), 0),
      num(placed?.find((r) => r.dim === 'placement' && r.k === 'out')?.episodes),
    ];
    const pgChecks = checksOf(national.result);
    const agree = duckChecks.every((v, i) => v === pgChecks[i]);
    if (!agree) console.error('DuckDB and PostgreSQL disagree', { pg: pgChecks, duckdb: duckChecks });
    figures.push({
      name: 'Annual report, DuckDB and PostgreSQL agree',
      value: agree ? 1 : 0,
      unit: 'boolean',
    });
    duck.closeSync();
    instance.closeSync();
    return figures;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await database.close();
  }
}
