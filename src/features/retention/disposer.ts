import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';

/**
 * Removes a record and everything derived from it, in the caller's transaction: every row that
 * refers to it through a foreign key (found from the catalogue, so a table added later is covered
 * without a change here), the rows that name it without a foreign key (alerts and allocations by
 * subject, access rows and intelligence links by source, keep decisions), copies held as text or
 * JSON (form drafts, stored API responses, network results, queued jobs) and the free-text
 * reasons of its audit events. The audit events themselves stay: they hold opaque ids only.
 */

interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  type: string;
}

interface Catalogue {
  foreignKeys: ForeignKey[];
  /** Tables with an `id` column: their removed ids are looked for elsewhere. */
  withId: Set<string>;
}

/** References that carry no foreign key because they may point at several kinds of record. */
const looseReferences: { table: string; column: string; type: string }[] = [
  { table: 'alert', column: 'subject_id', type: 'uuid' },
  { table: 'allocation', column: 'subject_id', type: 'uuid' },
  { table: 'child_access', column: 'source_id', type: 'uuid' },
  { table: 'intel_link', column: 'source_id', type: 'uuid' },
  { table: 'warning_notice_breach', column: 'source_id', type: 'uuid' },
  { table: 'agenda_item', column: 'pattern_id', type: 'uuid' },
  { table: 'intel_entity', column: 'merged_into_id', type: 'uuid' },
  { table: 'retention_keep', column: 'record_id', type: 'uuid' },
];

/** Copies kept as text or JSON that may carry a removed record's id. */
const copies: { table: string; columns: string[] }[] = [
  { table: 'form_draft', columns: ['form_key', 'fields::text'] },
  { table: 'idempotency_key', columns: ['path', 'body'] },
  { table: 'intel_network_run', columns: ['result::text'] },
  { table: 'sent_mail', columns: ['key'] },
];

const ident = (name: string) => sql.raw(`"${name.replaceAll('"', '""')}"`);
const arrayLiteral = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

async function rows<T>(tx: Tx, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

async function catalogue(tx: Tx): Promise<Catalogue> {
  const foreignKeys = await rows<ForeignKey>(
    tx,
    sql`select cl.relname as "table", a.attname as "column", rcl.relname as "refTable",
               ra.attname as "refColumn", format_type(a.atttypid, a.atttypmod) as "type"
          from pg_constraint k
          join pg_class cl on cl.oid = k.conrelid
          join pg_namespace n on n.oid = cl.relnamespace
          join pg_class rcl on rcl.oid = k.confrelid
          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
          join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = k.confkey[1]
         where k.contype = 'f' and n.nspname = 'public' and cardinality(k.conkey) = 1`,
  );
  const ids = await rows<{ table: string }>(
    tx,
    sql`select table_name as "table" from information_schema.columns
         where table_schema = 'public' and column_name = 'id' and data_type = 'uuid'`,
  );
  return { foreignKeys, withId: new Set(ids.map((r) => r.table)) };
}

export interface DisposalResult {
  /** Rows removed, by table. */
  removed: Record<string, number>;
}

export class Disposal {
  private readonly removedIds = new Set<string>();
  private readonly removed: Record<string, number> = {};

  private constructor(
    private readonly tx: Tx,
    private readonly cat: Catalogue,
  ) {}

  static async start(tx: Tx): Promise<Disposal> {
    return new Disposal(tx, await catalogue(tx));
  }

  /** Removes the rows of `table` whose `column` holds one of `values`, after everything referring to them. */
  async remove(
    table: string,
    column: string,
    type: string,
    values: readonly string[],
    depth = 0,
  ): Promise<void> {
    if (values.length === 0) return;
    if (depth > 20) throw new Error(`disposal went too deep at ${table}`);
    const where = sql`${ident(table)}.${ident(column)} = any(${arrayLiteral(values)}::${sql.raw(type)}[])`;
    for (const fk of this.cat.foreignKeys.filter((f) => f.refTable === table)) {
      if (fk.table === table && fk.column === column) continue;
      const refs = await rows<{ v: string }>(
        this.tx,
        sql`select distinct ${ident(fk.refColumn)}::text as v from ${ident(table)} where ${where}`,
      );
      await this.remove(
        fk.table,
        fk.column,
        fk.type,
        refs.map((r) => r.v),
        depth + 1,
      );
    }
    const returning = this.cat.withId.has(table) ? sql`"id"::text` : sql`null::text`;
    const gone = await rows<{ id: string | null }>(
      this.tx,
      sql`delete from ${ident(table)} where ${where} returning ${returning} as id`,
    );
    if (gone.length === 0) return;
    this.removed[table] = (this.removed[table] ?? 0) + gone.length;
    for (const g of gone) if (g.id) this.removedIds.add(g.id);
  }

  /**
   * Follows the references without foreign keys until nothing more goes, then clears the copies
   * and the audit events' reasons. `childId` is the child whose audit reasons go too, if any.
   */
  async finish(childId: string | null): Promise<DisposalResult> {
    let before = -1;
    while (before !== this.removedIds.size) {
      before = this.removedIds.size;
      const ids = [...this.removedIds];
      for (const r of looseReferences) await this.remove(r.table, r.column, r.type, ids);
    }
    const ids = [...this.removedIds];
    const patterns = arrayLiteral(ids.map((id) => `%${id}%`));
    for (const c of copies) {
      const match = sql.join(
        c.columns.map((col) => sql`${sql.raw(col)} like any(${patterns}::text[])`),
        sql` or `,
      );
      const gone = await rows<{ n: number }>(
        this.tx,
        sql`with d as (delete from ${ident(c.table)} where ${match} returning 1) select count(*)::int as n from d`,
      );
      this.count(c.table, gone[0]?.n);
    }
    // Queued jobs carry ids in their data; pg-boss's schema is there once the queue has started.
    const [boss] = await rows<{ job: string | null }>(
      this.tx,
      sql`select to_regclass('pgboss.job')::text as job`,
    );
    if (boss?.job) {
      const gone = await rows<{ n: number }>(
        this.tx,
        sql`with d as (delete from pgboss.job where data::text like any(${patterns}::text[]) returning 1)
            select count(*)::int as n from d`,
      );
      this.count('pgboss.job', gone[0]?.n);
    }
    // Free-text reasons may name the child; the chained audit rows keep their opaque reason id.
    const gone = await rows<{ n: number }>(
      this.tx,
      sql`with d as (
            delete from audit_reason r
             where r.id in (select e.reason_id from audit_event e
                             where e.reason_id is not null
                               and (${childId ? sql`e.child_id = ${childId}::uuid or ` : sql``}
                                    e.subject_id = any(${arrayLiteral(ids)}::text[])))
            returning 1)
          select count(*)::int as n from d`,
    );
    this.count('audit_reason', gone[0]?.n);
    return { removed: { ...this.removed } };
  }

  private count(table: string, n: number | undefined) {
    if (n) this.removed[table] = (this.removed[table] ?? 0) + Number(n);
  }
}
