import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './client';

/**
 * Loads many rows fast with COPY: on PostgreSQL through COPY FROM STDIN on one connection, on
 * PGlite through COPY FROM '/dev/blob'. Everything between `open` and `commit` is one transaction,
 * so a failed load leaves nothing behind. Rows are keyed by the tables' TypeScript field names.
 */
export class BulkLoader {
  private client: pg.PoolClient | null = null;
  rows = 0;

  private constructor(private readonly database: Database) {}

  static async open(database: Database): Promise<BulkLoader> {
    const loader = new BulkLoader(database);
    if (database.kind === 'postgres') {
      if (!database.pool) throw new Error('PostgreSQL database without its pool');
      loader.client = await database.pool.connect();
      await loader.client.query('BEGIN');
    } else {
      await database.raw.exec('BEGIN');
    }
    return loader;
  }

  async load<T extends PgTable>(table: T, rows: readonly Partial<T['$inferInsert']>[]): Promise<void> {
    const first = rows[0];
    if (!first) return;
    const columns = getTableColumns(table);
    const keys = Object.keys(first);
    const names = keys.map((k) => {
      const column = columns[k];
      if (!column) throw new Error(`${getTableName(table)} has no field ${k}`);
      return `"${column.name}"`;
    });
    const statement = `COPY "${getTableName(table)}" (${names.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
    const csv = rows
      .map((r) => keys.map((k) => csvValue((r as Record<string, unknown>)[k])).join(','))
      .join('\n');
    if (this.client) {
      const stream = this.client.query(copyFrom(statement));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', () => resolve());
        stream.on('error', reject);
        stream.end(`${csv}\n`);
      });
    } else {
      const pglite = this.database.pglite;
      if (!pglite) throw new Error('PGlite database without its instance');
      await pglite.query(statement.replace('FROM STDIN', "FROM '/dev/blob'"), [], {
        blob: new Blob([`${csv}\n`]),
      });
    }
    this.rows += rows.length;
  }

  /** A statement inside the load's transaction (ANALYZE, a fix-up). */
  async exec(statement: string): Promise<void> {
    if (this.client) await this.client.query(statement);
    else await this.database.raw.exec(statement);
  }

  async commit(): Promise<void> {
    await this.exec('COMMIT');
    this.release();
  }

  async rollback(): Promise<void> {
    await this.exec('ROLLBACK').catch(() => undefined);
    this.release();
  }

  private release() {
    this.client?.release();
    this.client = null;
  }
}

/** One value in PostgreSQL's CSV form: an unquoted empty field is NULL, a quoted one is ''. */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const inner = value
      .map((v) => `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
      .join(',');
    return quote(`{${inner}}`);
  }
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
