import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

// Queries use the SQL-like builder with imported tables, so the handles carry no schema: the
// platform need not import every feature's tables.
export type Db = PgDatabase<PgQueryResultHKT>;
/** A transaction-bound handle: the only kind of handle services and repositories receive. */
export type Tx = PgTransaction<PgQueryResultHKT>;

/** The raw SQL surface both drivers share, for migrations, job queues and tests. */
export interface RawSql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  /** The root handle: only platform code (migrations, jobs, the transaction helper) may use it. */
  orm: Db;
  raw: RawSql;
  pglite?: PGlite;
  pool?: pg.Pool;
  /** The connection URL, for components that keep a pool of their own (the job queue). */
  url?: string;
  close(): Promise<void>;
}

// int8 (count(*), bigserial) as a JavaScript number on both drivers, so code never sees a string.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads
    return pg.types.getTypeParser(oid, format as any);
  },
};

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` for an in-memory database. */
  pgliteDataDir?: string;
  /** A PGlite data folder dump to start from (test templates). */
  loadDataDir?: Blob;
  poolSize?: number;
}

/** How many statements one connection keeps prepared; past it, statements go unnamed. */
const PREPARED_PER_CONNECTION = 1000;

const statementNames = new Map<string, string>();
/** A statement's name from its text: a digest, remembered for the texts seen most. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `l${createHash('sha1').update(text).digest('base64url')}`;
    if (statementNames.size < PREPARED_PER_CONNECTION * 2) statementNames.set(text, name);
  }
  return name;
}

/**
 * Names every query the ORM sends by a digest of its text, so that PostgreSQL parses and plans
 * each statement once per connection and afterwards only binds and runs it. The ORM builds the
 * same text for the same query, values always travelling as parameters.
 */
function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Set<string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
    config: unknown,
    ...rest: unknown[]
  ) => {
    if (
      config &&
      typeof config === 'object' &&
      'text' in config &&
      typeof config.text === 'string' &&
      // Not a stream such as COPY's, which carries its own text.
      !('submit' in config) &&
      !('name' in config && config.name)
    ) {
      const name = statementName(config.text);
      if (named.has(name) || named.size < PREPARED_PER_CONNECTION) {
        named.add(name);
        return query({ ...config, name }, ...rest);
      }
    }
    return query(config, ...rest);
  };
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      // Interactive pages: a parallel worker per query costs more than it saves under many users.
      options: '-c TimeZone=UTC -c max_parallel_workers_per_gather=0',
    });
    pool.on('connect', (client) => prepareStatements(client));
    const orm = drizzlePg(pool) as unknown as Db;
    return {
      kind: 'postgres',
      orm,
      pool,
      url: options.databaseUrl,
      raw: {
        async query(text, params) {
          const r = await pool.query(text, params as unknown[]);
          return { rows: r.rows };
        },
        async exec(text) {
          await pool.query(text);
        },
      },
      close: () => pool.end(),
    };
  }
  const dataDir = options.pgliteDataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = await PGlite.create({
    dataDir,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  await pglite.exec(`SET TIME ZONE 'UTC'`);
  const orm = drizzlePglite(pglite) as unknown as Db;
  return {
    kind: 'pglite',
    orm,
    pglite,
    raw: {
      async query(text, params) {
        // biome-ignore lint/suspicious/noExplicitAny: row type is the caller's
        const r = await pglite.query<any>(text, params as unknown[]);
        return { rows: r.rows };
      },
      async exec(text) {
        await pglite.exec(text);
      },
    },
    close: () => pglite.close(),
  };
}
