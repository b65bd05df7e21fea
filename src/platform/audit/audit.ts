import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Context } from '../context';
import type { Tx } from '../db/client';
import { deferUntilCommit, type WithTransaction } from '../db/transaction';
import { auditEvent, auditReason, auditSeal } from './tables';

export interface AuditEntry {
  /** A code such as `user.create` or `child.view`. */
  action: string;
  subjectType?: string;
  subjectId?: string;
  childId?: string;
  /** Free text: stored apart from the chained row. Defaults to the context's reason. */
  reason?: string;
}

/** Writes the audit rows of a transaction in one statement. */
const insertAuditRows = async (tx: Tx, rows: (typeof auditEvent.$inferInsert)[]) => {
  // PostgreSQL takes at most 65,535 parameters a statement: a thousand rows at a time stays well under.
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditEvent).values(rows.slice(i, i + 1000));
};

/**
 * Adds an audit row inside the caller's transaction, so it commits or vanishes with the work. The
 * rows of one transaction go in together just before it commits.
 */
export async function recordAudit(tx: Tx, ctx: Context, entry: AuditEntry): Promise<void> {
  const reasonText = entry.reason ?? ctx.reason;
  const at = ctx.clock.now();
  let reasonId: string | null = null;
  if (reasonText) {
    const [row] = await tx
      .insert(auditReason)
      .values({ text: reasonText, createdAt: at })
      .returning({ id: auditReason.id });
    reasonId = row?.id ?? null;
  }
  await deferUntilCommit(tx, insertAuditRows, {
    occurredAt: at,
    actorUserId: ctx.actor?.userId ?? null,
    actorAgencyId: ctx.actor?.agencyId ?? null,
    actorCredentialId: ctx.actor?.credentialId ?? null,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    childId: entry.childId ?? null,
    reasonId,
    requestId: ctx.requestId,
  });
}

const GENESIS = '0'.repeat(64);

/** The sealer's refusal to go on from a chain that no longer ends at the head it recorded last. */
export class AuditChainCut extends Error {
  constructor(headPos: number) {
    super(`The audit chain does not end at its last sealed head (position ${headPos}): nothing was sealed`);
  }
}
// Any constant will do, as long as every process uses the same one: one sealer at a time.
const SEAL_LOCK = 7_316_004_212;

type AuditRow = typeof auditEvent.$inferSelect;

function rowHash(row: AuditRow, chainPos: number, prevHash: string): string {
  const canonical = JSON.stringify([
    chainPos,
    prevHash,
    row.seq,
    row.id,
    row.occurredAt.toISOString(),
    row.actorUserId,
    row.actorAgencyId,
    row.actorCredentialId,
    row.action,
    row.subjectType,
    row.subjectId,
    row.childId,
    row.reasonId,
    row.requestId,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Chains unsealed rows onto the end of the chain, in the order it finds them. Chain position, not
 * seq, orders the chain, so a row whose transaction committed late is sealed after later seqs
 * rather than leaving a gap. Records the new head in `audit_seal`, and refuses to go on from a
 * chain that no longer ends at the head recorded last. Returns how many rows it sealed.
 */
export async function sealAuditLog(withTransaction: WithTransaction, batchSize = 1000): Promise<number> {
  return withTransaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK})`);
    const [last] = await tx
      .select({ chainPos: auditEvent.chainPos, hash: auditEvent.hash })
      .from(auditEvent)
      .where(isNotNull(auditEvent.chainPos))
      .orderBy(desc(auditEvent.chainPos))
      .limit(1);
    const [head] = await tx.select().from(auditSeal).orderBy(desc(auditSeal.chainPos)).limit(1);
    if (head && (head.chainPos !== last?.chainPos || head.hash !== last.hash))
      throw new AuditChainCut(head.chainPos);
    const pending = await tx
      .select()
      .from(auditEvent)
      .where(isNull(auditEvent.hash))
      .orderBy(asc(auditEvent.seq))
      .limit(batchSize);
    if (pending.length === 0) return 0;
    let pos = last?.chainPos ?? 0;
    let prev = last?.hash ?? GENESIS;
    const seqs: number[] = [];
    const positions: number[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const row of pending) {
      pos += 1;
      const hash = rowHash(row, pos, prev);
      seqs.push(row.seq);
      positions.push(pos);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await tx.execute(sql`
      update audit_event a
         set chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
        from unnest(${toPgArray(seqs)}::bigint[], ${toPgArray(positions)}::bigint[],
                    ${toPgArray(prevs)}::text[], ${toPgArray(hashes)}::text[]) as v(seq, pos, prev, hash)
       where a.seq = v.seq`);
    await tx.insert(auditSeal).values({ chainPos: pos, hash: prev, sealedAt: sql`now()` });
    return pending.length;
  });
}

/** Seals until nothing is left unsealed. */
export async function sealAll(withTransaction: WithTransaction): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAuditLog(withTransaction);
    total += n;
    if (n === 0) return total;
  }
}

function toPgArray(values: readonly (string | number)[]): string {
  // Values are hex digests and integers: no quoting needed.
  return `{${values.join(',')}}`;
}

export type VerifyResult =
  | { ok: true; sealed: number; unsealed: number }
  | {
      ok: false;
      sealed: number;
      unsealed: number;
      brokenAt: { chainPos: number; seq: number | null; problem: string };
    };

/**
 * Walks the sealed chain from the start and recomputes every link. Each head recorded by the sealer
 * must still be in the chain with its hash, and the chain must reach the last of them: rows cut
 * from the end, or a chain rewritten and sealed afresh, break at the first position that differs.
 */
export async function verifyAuditLog(
  withTransaction: WithTransaction,
  pageSize = 5000,
): Promise<VerifyResult> {
  return withTransaction(async (tx) => {
    const [counts] = await tx
      .select({
        unsealed: sql<number>`count(*) filter (where ${auditEvent.hash} is null)::int`,
      })
      .from(auditEvent);
    const unsealed = counts?.unsealed ?? 0;
    const [head] = await tx
      .select({ chainPos: auditSeal.chainPos })
      .from(auditSeal)
      .orderBy(desc(auditSeal.chainPos))
      .limit(1);
    let expectedPos = 1;
    let prev = GENESIS;
    let after = 0;
    for (;;) {
      const page = await tx
        .select({
          row: auditEvent,
          sealedHash: auditSeal.hash,
          // The application writes whole milliseconds, and the hash sees no finer: a time altered by
          // less than a millisecond shows here instead.
          wholeMillisecond: sql<boolean>`date_trunc('milliseconds', ${auditEvent.occurredAt}) = ${auditEvent.occurredAt}`,
        })
        .from(auditEvent)
        .leftJoin(auditSeal, eq(auditSeal.chainPos, auditEvent.chainPos))
        .where(and(isNotNull(auditEvent.chainPos), gt(auditEvent.chainPos, after)))
        .orderBy(asc(auditEvent.chainPos))
        .limit(pageSize);
      for (const { row, sealedHash, wholeMillisecond } of page) {
        const pos = row.chainPos ?? 0;
        const broken = (problem: string): VerifyResult => ({
          ok: false,
          sealed: expectedPos - 1,
          unsealed,
          brokenAt: { chainPos: pos, seq: row.seq, problem },
        });
        if (pos !== expectedPos) {
          return {
            ...broken(`link ${expectedPos} is missing`),
            brokenAt: { chainPos: expectedPos, seq: null, problem: `link ${expectedPos} is missing` },
          };
        }
        if (row.prevHash !== prev) return broken('its previous-hash does not match the link before it');
        if (row.hash !== rowHash(row, pos, prev) || !wholeMillisecond) {
          return broken('its contents do not match its hash');
        }
        if (sealedHash !== null && row.hash !== sealedHash) {
          return broken('its hash is not the one recorded when it was sealed');
        }
        prev = row.hash;
        expectedPos += 1;
        after = pos;
      }
      if (page.length < pageSize) break;
    }
    if (head && head.chainPos >= expectedPos) {
      const problem = `link ${expectedPos} is missing: the chain was sealed to ${head.chainPos}`;
      return {
        ok: false,
        sealed: expectedPos - 1,
        unsealed,
        brokenAt: { chainPos: expectedPos, seq: null, problem },
      };
    }
    return { ok: true, sealed: expectedPos - 1, unsealed };
  });
}

export async function findAuditReason(tx: Tx, id: string): Promise<string | null> {
  const [row] = await tx.select({ text: auditReason.text }).from(auditReason).where(eq(auditReason.id, id));
  return row?.text ?? null;
}
