// The audit chain of a loaded dataset: sealed, then verified from the first link to the last, in
// rows per second. The seeder writes the records without the audit rows recording them through the
// services would have left, so the first run adds those (one `child.create` a child and one
// `episode.report` an episode, at the record's time) and later runs find them there.
import { sql } from 'drizzle-orm';
import { sealAuditLog, verifyAuditLog } from '../src/platform/audit/audit';
import { openDatabase } from '../src/platform/db/client';
import { transactionRunner } from '../src/platform/db/transaction';

interface Figure {
  name: string;
  value: number;
  unit: string;
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

export async function benchAudit(databaseUrl: string): Promise<Figure[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const withTransaction = transactionRunner(database);
  try {
    await withTransaction(async (tx) => {
      const [present] = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from audit_event where action = 'child.create'`),
      );
      if ((present?.n ?? 0) > 0) return;
      // Whole milliseconds, as the application writes them.
      await tx.execute(sql`
        insert into audit_event (occurred_at, actor_agency_id, action, subject_type, subject_id, child_id, request_id)
        select date_trunc('milliseconds', created_at), created_by_agency_id, 'child.create', 'child', id::text, id, 'seed'
          from child order by child.created_at, child.id`);
      await tx.execute(sql`
        insert into audit_event (occurred_at, actor_agency_id, action, subject_type, subject_id, child_id, request_id)
        select date_trunc('milliseconds', created_at), reported_by_agency_id, 'episode.report', 'episode', id::text,
               child_id, 'seed'
          from episode order by episode.created_at, episode.id`);
    });
    let started = performance.now();
    let sealed = 0;
    for (;;) {
      const n = await sealAuditLog(withTransaction, 5000);
      if (n === 0) break;
      sealed += n;
    }
    const sealSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const result = await verifyAuditLog(withTransaction);
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok) {
      throw new Error(`the audit chain is broken at ${result.brokenAt.chainPos}: ${result.brokenAt.problem}`);
    }
    console.log(
      `audit chain: ${result.sealed} rows verified in ${seconds.toFixed(1)} s (${Math.round(result.sealed / seconds)} rows/s)`,
    );
    return [
      { name: 'audit chain: rows', value: result.sealed, unit: 'count' },
      {
        name: 'audit chain: verified per second',
        value: Math.round(result.sealed / seconds),
        unit: 'rows/s',
      },
      ...(sealed > 0
        ? [
            { name: 'audit chain: rows sealed this run', value: sealed, unit: 'count' },
            {
              name: 'audit chain: sealed per second',
              value: Math.round(sealed / sealSeconds),
              unit: 'rows/s',
            },
          ]
        : []),
    ];
  } finally {
    await database.close();
  }
}
