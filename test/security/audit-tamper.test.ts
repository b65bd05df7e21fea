import { createHash, randomUUID } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditChainCut,
  recordAudit,
  sealAll,
  sealAuditLog,
  verifyAuditLog,
} from '../../src/platform/audit/audit';
import { auditEvent, auditSeal } from '../../src/platform/audit/tables';
import type { Context } from '../../src/platform/context';
import type { Tx } from '../../src/platform/db/client';
import { buildTestApp, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';
import { databaseKind } from '../support/db';

// A generated audit log is sealed in batches of random sizes, then altered directly in the database
// as a superuser would, going round the insert-only triggers (`session_replication_role = replica`
// fires no ordinary trigger; it needs a superuser, which the tests' database user is on PostgreSQL
// and PGlite alike): one field updated, a row deleted, two rows swapped, or the last rows cut off.
// Each trial runs in a transaction that is rolled back, so every trial starts from the same clean
// chain. verifyAuditLog must report every one, at the first link that no longer holds.

let t: TestApp;
let chain: { seq: number; chainPos: number }[] = [];
/** The chain positions of the heads the sealer recorded, in order. */
let heads: number[] = [];

class Rollback extends Error {}

const ACTIONS = [
  'child.view',
  'child.create',
  'episode.report',
  'episode.grade',
  'notice.raise',
  'intelligence.log',
];
const USERS = ['social.mash@lantern.invalid', 'police.mash@lantern.invalid', 'missing.lead@lantern.invalid'];

const entry = fc.record({
  user: fc.constantFrom(...USERS),
  action: fc.constantFrom(...ACTIONS),
  subjectType: fc.option(fc.constantFrom('child', 'episode', 'notice'), { nil: undefined }),
  subjectId: fc.option(fc.uuid(), { nil: undefined }),
  childId: fc.option(fc.uuid(), { nil: undefined }),
  reason: fc.option(fc.constantFrom('Section 47 enquiry', 'Strategy discussion'), { nil: undefined }),
});

beforeAll(async () => {
  t = await buildTestApp();
  const contexts = new Map<string, Context>();
  for (const email of USERS) contexts.set(email, await contextFor(t, email));
  // Batches of rows, each committed and then partly or wholly sealed, so the chain has many heads.
  const batches = fc.sample(fc.array(entry, { minLength: 5, maxLength: 40 }), { numRuns: 12, seed: 8_007 });
  for (const [i, batch] of batches.entries()) {
    await t.services.withTransaction(async (tx) => {
      for (const e of batch) {
        const { user, ...rest } = e;
        await recordAudit(tx, contexts.get(user) as Context, rest);
      }
    });
    await sealAuditLog(t.services.withTransaction, 7 + i * 11);
  }
  await sealAll(t.services.withTransaction);
  chain = (
    await t.services.withTransaction((tx) =>
      tx
        .select({ seq: auditEvent.seq, chainPos: auditEvent.chainPos })
        .from(auditEvent)
        .orderBy(asc(auditEvent.chainPos)),
    )
  ).map((r) => ({ seq: r.seq, chainPos: r.chainPos ?? 0 }));
  heads = (
    await t.services.withTransaction((tx) =>
      tx.select({ chainPos: auditSeal.chainPos }).from(auditSeal).orderBy(asc(auditSeal.chainPos)),
    )
  ).map((h) => h.chainPos);
}, 120_000);

afterAll(async () => {
  await t.close();
});

// ---- The kinds of tampering -------------------------------------------------------------------------

const UUID_COLUMNS = [
  'id',
  'actor_user_id',
  'actor_agency_id',
  'actor_credential_id',
  'child_id',
  'reason_id',
];
const TEXT_COLUMNS = ['action', 'subject_type', 'subject_id', 'request_id', 'prev_hash', 'hash'];

type Tampering =
  | { kind: 'update'; pos: number; column: string; change: string | number }
  | { kind: 'delete'; pos: number }
  | { kind: 'reorder'; how: 'swap positions' | 'swap contents'; a: number; b: number }
  | { kind: 'truncate'; rows: number }
  | { kind: 'rehash'; pos: number; suffix: string };

const position = () => fc.integer({ min: 1, max: chain.length });

const update = (): fc.Arbitrary<Tampering> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('update' as const),
      pos: position(),
      column: fc.constantFrom(...UUID_COLUMNS),
      change: fc.uuid(),
    }),
    fc.record({
      kind: fc.constant('update' as const),
      pos: position(),
      column: fc.constantFrom(...TEXT_COLUMNS),
      change: fc.string({ minLength: 1, maxLength: 12 }),
    }),
    // Moved in time by as little as a microsecond, or by years.
    fc.record({
      kind: fc.constant('update' as const),
      pos: position(),
      column: fc.constant('occurred_at'),
      change: fc
        .tuple(
          fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).filter((n) => n !== 0),
          fc.constantFrom(1, 1000, 1_000_000),
        )
        .map(([n, unit]) => n * unit),
    }),
    // Less than a millisecond, finer than the hash reads the time.
    fc.record({
      kind: fc.constant('update' as const),
      pos: position(),
      column: fc.constant('occurred_at'),
      change: fc.integer({ min: -999, max: 999 }).filter((n) => n !== 0),
    }),
    fc.record({
      kind: fc.constant('update' as const),
      pos: position(),
      column: fc.constant('seq'),
      change: fc.integer({ min: 1, max: 1_000_000_000 }),
    }),
  );

const reorder = (): fc.Arbitrary<Tampering> =>
  fc
    .record({
      how: fc.constantFrom('swap positions' as const, 'swap contents' as const),
      a: position(),
      b: position(),
    })
    .filter((r) => r.a !== r.b)
    .map((r) => ({ kind: 'reorder' as const, how: r.how, a: Math.min(r.a, r.b), b: Math.max(r.a, r.b) }));

const seqAt = (pos: number) => chain[pos - 1]?.seq ?? 0;

/** Alters the chain in `tx`, and returns the position that must be named as the first broken link. */
async function tamper(tx: Tx, tampering: Tampering): Promise<number> {
  const n = chain.length;
  switch (tampering.kind) {
    case 'update': {
      const { pos, column, change } = tampering;
      const seq = seqAt(pos);
      if (column === 'occurred_at') {
        await tx.execute(
          sql`update audit_event set occurred_at = occurred_at + make_interval(secs => ${change}::bigint / 1e6) where seq = ${seq}`,
        );
      } else if (column === 'seq') {
        // Past every seq in use, so the new one is free.
        await tx.execute(
          sql`update audit_event set seq = seq + 1000000000 + ${change}::bigint where seq = ${seq}`,
        );
      } else if (UUID_COLUMNS.includes(column)) {
        await tx.execute(
          sql`update audit_event set ${sql.identifier(column)} = ${change}::uuid where seq = ${seq}`,
        );
      } else {
        // Text is changed by adding to it, so the new value always differs from the old.
        await tx.execute(
          sql`update audit_event set ${sql.identifier(column)} = coalesce(${sql.identifier(column)}, '') || ${change}
               where seq = ${seq}`,
        );
      }
      return pos;
    }
    case 'delete':
      await tx.execute(sql`delete from audit_event where seq = ${seqAt(tampering.pos)}`);
      return tampering.pos;
    case 'reorder': {
      const [a, b] = [seqAt(tampering.a), seqAt(tampering.b)];
      if (tampering.how === 'swap positions') {
        // Each row keeps its own hashes and takes the other's place: the log read in a new order.
        await tx.execute(sql`update audit_event set chain_pos = -1 where seq = ${a}`);
        await tx.execute(sql`update audit_event set chain_pos = ${tampering.a} where seq = ${b}`);
        await tx.execute(sql`update audit_event set chain_pos = ${tampering.b} where seq = ${a}`);
      } else {
        // The chain stays where it was; what two of its rows say is exchanged. Rows that say the same
        // (one request's identical events, at one instant on the test clock) are no tampering.
        const same = await tx.execute(sql`
          select (x.occurred_at, x.actor_user_id, x.actor_agency_id, x.action, x.subject_type, x.subject_id,
                  x.child_id, x.reason_id, x.request_id)
                 is not distinct from
                 (y.occurred_at, y.actor_user_id, y.actor_agency_id, y.action, y.subject_type, y.subject_id,
                  y.child_id, y.reason_id, y.request_id) as same
            from audit_event x, audit_event y where x.seq = ${a} and y.seq = ${b}`);
        fc.pre(!(same as unknown as { rows: { same: boolean }[] }).rows[0]?.same);
        await tx.execute(sql`
          update audit_event x
             set occurred_at = y.occurred_at, actor_user_id = y.actor_user_id, actor_agency_id = y.actor_agency_id,
                 action = y.action, subject_type = y.subject_type, subject_id = y.subject_id,
                 child_id = y.child_id, reason_id = y.reason_id, request_id = y.request_id
            from audit_event y
           where (x.seq, y.seq) in ((${a}::bigint, ${b}::bigint), (${b}::bigint, ${a}::bigint))`);
      }
      return tampering.a;
    }
    case 'truncate':
      await tx.execute(sql`delete from audit_event where chain_pos > ${n - tampering.rows}`);
      return n - tampering.rows + 1;
    case 'rehash': {
      // One row rewritten and every link after it hashed afresh, by someone who knows how: the
      // chain holds link by link, and only the heads recorded at sealing show the change.
      const rows = await tx
        .select()
        .from(auditEvent)
        .where(sql`${auditEvent.chainPos} >= ${tampering.pos}`)
        .orderBy(asc(auditEvent.chainPos));
      let prev = rows[0]?.prevHash ?? '';
      const seqs: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const [i, row] of rows.entries()) {
        const action = i === 0 ? `${row.action}${tampering.suffix}` : row.action;
        const hash = createHash('sha256')
          .update(
            JSON.stringify([
              row.chainPos,
              prev,
              row.seq,
              row.id,
              row.occurredAt.toISOString(),
              row.actorUserId,
              row.actorAgencyId,
              row.actorCredentialId,
              action,
              row.subjectType,
              row.subjectId,
              row.childId,
              row.reasonId,
              row.requestId,
            ]),
          )
          .digest('hex');
        seqs.push(row.seq);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await tx.execute(
        sql`update audit_event set action = action || ${tampering.suffix} where seq = ${seqs[0]}`,
      );
      await tx.execute(sql`
        update audit_event a set prev_hash = v.prev, hash = v.hash
          from unnest(${`{${seqs.join(',')}}`}::bigint[], ${`{${prevs.join(',')}}`}::text[],
                      ${`{${hashes.join(',')}}`}::text[]) as v(seq, prev, hash)
         where a.seq = v.seq`);
      // The first recorded head at or after the rewritten row.
      return heads.find((h) => h >= tampering.pos) ?? 0;
    }
  }
}

describe(`audit tamper evidence (${databaseKind()})`, () => {
  it('detects every update, deletion, reordering and cut tail, at the first broken link', async () => {
    expect((await verifyAuditLog(t.services.withTransaction)).ok).toBe(true);
    const n = chain.length;
    const counts = { update: 0, delete: 0, reorder: 0, truncate: 0, rehash: 0 };
    let detected = 0;
    const missed: string[] = [];
    const trial = async (tampering: Tampering) => {
      let outcome: Awaited<ReturnType<typeof verifyAuditLog>> | undefined;
      let expected = 0;
      await t.services
        .withTransaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          expected = await tamper(tx, tampering);
          outcome = await verifyAuditLog(t.services.withTransaction);
          throw new Rollback();
        })
        .catch((error) => {
          if (!(error instanceof Rollback)) throw error;
        });
      counts[tampering.kind] += 1;
      if (outcome && !outcome.ok && outcome.brokenAt.chainPos === expected) detected += 1;
      else missed.push(`${JSON.stringify(tampering)} → ${JSON.stringify(outcome)}`);
    };
    const property = (arbitrary: fc.Arbitrary<Tampering>, numRuns: number) =>
      fc.assert(fc.asyncProperty(arbitrary, trial), { numRuns, seed: 80_070 + numRuns });
    await property(update(), 80);
    await property(
      position().map((pos) => ({ kind: 'delete' as const, pos })),
      40,
    );
    await property(reorder(), 40);
    await property(
      fc.integer({ min: 1, max: Math.min(n - 1, 120) }).map((rows) => ({ kind: 'truncate' as const, rows })),
      40,
    );
    await property(
      fc.record({
        kind: fc.constant('rehash' as const),
        pos: position(),
        suffix: fc.constantFrom('.rewritten', '!', ' '),
      }),
      20,
    );
    // Every trial was rolled back: the chain is whole again.
    expect(await verifyAuditLog(t.services.withTransaction)).toMatchObject({ ok: true, sealed: n });
    const total = counts.update + counts.delete + counts.reorder + counts.truncate + counts.rehash;
    console.log(
      `Audit tamper: ${total} tamperings (update ${counts.update}, delete ${counts.delete}, reorder ${counts.reorder}, truncate ${counts.truncate}, rewrite and rehash ${counts.rehash}): ${detected} detected, on a chain of ${n} rows`,
    );
    expect(missed).toEqual([]);
    expect(detected).toBe(total);
  }, 120_000);

  it('refuses to seal onto a chain cut short, and names the cut after new rows arrive', async () => {
    const n = chain.length;
    const ctx = await contextFor(t, USERS[0] as string);
    await t.services
      .withTransaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`delete from audit_event where chain_pos > ${n - 3}`);
        await tx.insert(auditEvent).values({ occurredAt: ctx.clock.now(), action: 'probe.after-cut' });
        await expect(sealAuditLog(t.services.withTransaction)).rejects.toBeInstanceOf(AuditChainCut);
        const result = await verifyAuditLog(t.services.withTransaction);
        expect(result).toMatchObject({ ok: false, unsealed: 1, brokenAt: { chainPos: n - 2, seq: null } });
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
  });

  it('reports how fast a chain of 10,000 rows verifies (information, not asserted)', async () => {
    const rows = 10_000;
    await t.services.withTransaction((tx) =>
      tx.execute(sql`
        insert into audit_event (occurred_at, actor_user_id, action, subject_type, subject_id, request_id)
        select date_trunc('milliseconds', now()) - make_interval(secs => i), ${randomUUID()}::uuid, 'child.view', 'child',
               gen_random_uuid()::text, 'req-' || i
          from generate_series(1, ${rows}) as i`),
    );
    while ((await sealAuditLog(t.services.withTransaction, 5000)) > 0) {}
    const started = performance.now();
    const result = await verifyAuditLog(t.services.withTransaction);
    const seconds = (performance.now() - started) / 1000;
    expect(result).toMatchObject({ ok: true, unsealed: 0 });
    console.log(
      `Audit verify (information): ${result.sealed} rows in ${seconds.toFixed(2)} s = ${Math.round(result.sealed / seconds)} rows/s on ${databaseKind()}`,
    );
  }, 120_000);
});
