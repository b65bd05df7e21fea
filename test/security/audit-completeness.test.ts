import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, systemContext } from '../../src/platform/context';
import { buildTestApp, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';
import { databaseKind } from '../support/db';

// Generated sequences of operations through the services, each checked against a small model of what
// it must audit: the audit rows it leaves, as a multiset of (action, subject type, subject id), must
// be exactly the model's, with none missing and none extra.
//
// Same transaction: every write's audit row carries the transaction id (xmin) of the row it changed.
// Any operation may also be run inside a transaction that fails after the operation has returned (so
// after its audit call): then neither the change nor any audit row may remain.
//
// Refusals, as the services are written:
// - A read or write refused for want of a permission, or of access to the record (answered as not
//   found), leaves no audit row: the service throws before it reads anything, inside or before its
//   transaction, and the transaction rolls back. The same holds for a validation error.
// - A return interview is read (and the read audited, in its own transaction) before it is recorded,
//   so an outcome refused because the interview is finished still leaves its `return-interview.view`.
// - A wrong sighting access code is audited (`sighting.code-refused`): the reporter is anonymous
//   and guessing codes is the attack, so the refusal commits its row before the error is answered.

let t: TestApp;
const ctx: Record<'social' | 'police' | 'lead' | 'neighbour' | 'health' | 'hotel', Context> = {} as never;
let accessCode = '';

beforeAll(async () => {
  t = await buildTestApp();
  ctx.social = await contextFor(t, 'social.mash@lantern.invalid');
  ctx.police = await contextFor(t, 'police.mash@lantern.invalid');
  ctx.lead = await contextFor(t, 'missing.lead@lantern.invalid');
  ctx.neighbour = await contextFor(t, 'neighbour.social@lantern.invalid');
  ctx.health = await contextFor(t, 'health@lantern.invalid');
  ctx.hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
  accessCode = (await t.services.sightings.issueCode(ctx.hotel, { label: 'Front desk' })).code;
  const phones = await t.services.withTransaction((tx) =>
    tx.execute(sql`select phone_e164 from intel_entity where phone_e164 is not null`),
  );
  for (const p of rowsOf<{ phone_e164: string }>(phones)) knownPhones.add(p.phone_e164);
}, 120_000);

afterAll(async () => {
  await t.close();
});

// ---- The model ------------------------------------------------------------------------------------

interface Model {
  children: { id: string; openEpisode: string | null }[];
  interviews: { id: string; status: 'new' | 'offered' | 'declined' }[];
}

/** Phones recorded so far, as E.164: a phone already known is found, not made again. */
const knownPhones = new Set<string>();

type Event = [action: string, subjectType: string | null, subjectId: string | null];

/** What a write changed: the row whose transaction id its audit rows must share. */
interface Changed {
  table: string;
  id: string;
  column?: string;
}

interface Outcome {
  /** The audit events the model expects if the operation's transaction commits. */
  expected: Event[];
  changed?: Changed;
  /** Applied to the model only if the operation commits. */
  apply?: () => void;
}

type Op =
  | { kind: 'record child'; invalid: boolean }
  | { kind: 'read child'; pick: number; forbidden: boolean }
  | { kind: 'report episode'; pick: number }
  | { kind: 'grade risk'; pick: number; invalid: boolean; grade: 'low' | 'medium' | 'high' }
  | { kind: 'close episode'; pick: number }
  | { kind: 'record return'; pick: number }
  | { kind: 'raise notice'; pick: number }
  | { kind: 'report sighting'; wrongCode: boolean }
  | { kind: 'record intelligence'; phone: number; log: boolean; forbidden: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('record child' as const), invalid: fc.boolean() }),
  fc.record({ kind: fc.constant('read child' as const), pick: fc.nat(), forbidden: fc.boolean() }),
  fc.record({ kind: fc.constant('report episode' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('grade risk' as const),
    pick: fc.nat(),
    invalid: fc.boolean(),
    grade: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
  }),
  fc.record({ kind: fc.constant('close episode' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('record return' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('raise notice' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('report sighting' as const), wrongCode: fc.boolean() }),
  fc.record({
    kind: fc.constant('record intelligence' as const),
    phone: fc.integer({ min: 100, max: 140 }),
    log: fc.boolean(),
    forbidden: fc.boolean(),
  }),
);

// About one operation in four runs inside a transaction that then fails.
const step = fc.record({ op, rollBack: fc.integer({ min: 0, max: 3 }).map((n) => n === 0) });

const pickFrom = <T>(list: T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];
const minutesAgo = (m: number) => new Date(t.clock.now().getTime() - m * 60_000);

/** Runs one operation and says what the model expects of it. Throws as the service throws. */
async function perform(model: Model, o: Op, done: (outcome: Outcome) => void): Promise<void> {
  const s = t.services;
  switch (o.kind) {
    case 'record child': {
      done({ expected: [] });
      const id = await s.children.create(ctx.social, {
        givenName: 'Probe',
        familyName: o.invalid ? '' : 'Child',
        lookedAfter: false,
      });
      done({
        expected: [['child.create', 'child', id]],
        changed: { table: 'child', id },
        apply: () => model.children.push({ id, openEpisode: null }),
      });
      return;
    }
    case 'read child': {
      const c = pickFrom(model.children, o.pick);
      if (!c) return perform(model, { kind: 'record child', invalid: false }, done);
      done({ expected: o.forbidden ? [] : [['child.view', 'child', c.id]] });
      await s.children.get(o.forbidden ? ctx.neighbour : ctx.social, c.id);
      return;
    }
    case 'report episode': {
      const c = pickFrom(model.children, o.pick);
      if (!c) return perform(model, { kind: 'record child', invalid: false }, done);
      // A second open episode for a child is refused.
      done({ expected: [] });
      const id = await s.episodes.report(ctx.social, c.id, {
        kind: 'missing',
        startedAt: minutesAgo(180),
        policeForceCode: 'E23000010',
      });
      done({
        expected: [['episode.report', 'episode', id]],
        changed: { table: 'episode', id },
        apply: () => {
          c.openEpisode = id;
        },
      });
      return;
    }
    case 'grade risk': {
      const c = pickFrom(
        model.children.filter((x) => x.openEpisode),
        o.pick,
      );
      if (!c?.openEpisode) return perform(model, { kind: 'report episode', pick: o.pick }, done);
      const id = c.openEpisode;
      done({ expected: o.invalid ? [] : [['episode.grade', 'episode', id]] });
      await s.episodes.grade(ctx.police, id, {
        grade: o.grade,
        rationale: 'Probe grading',
        // A next review in the past is refused.
        nextReviewAt: o.invalid ? minutesAgo(5) : new Date(t.clock.now().getTime() + 3_600_000),
      });
      done({
        expected: [['episode.grade', 'episode', id]],
        changed: { table: 'risk_grading', id, column: 'episode_id' },
      });
      return;
    }
    case 'close episode': {
      const c = pickFrom(
        model.children.filter((x) => x.openEpisode),
        o.pick,
      );
      if (!c?.openEpisode) return perform(model, { kind: 'report episode', pick: o.pick }, done);
      const id = c.openEpisode;
      done({ expected: [] });
      const { returnInterviewId } = await s.episodes.close(ctx.social, id, { endedAt: minutesAgo(30) });
      done({
        expected: [['episode.close', 'episode', id]],
        changed: { table: 'episode', id },
        apply: () => {
          c.openEpisode = null;
          model.interviews.push({ id: returnInterviewId, status: 'new' });
        },
      });
      return;
    }
    case 'record return': {
      const ri = pickFrom(model.interviews, o.pick);
      if (!ri) return perform(model, { kind: 'close episode', pick: o.pick }, done);
      const view: Event = ['return-interview.view', 'return_interview', ri.id];
      // Offered first, then declined; once declined, a further outcome is refused after the read.
      const outcome = ri.status === 'new' ? 'offered' : 'declined';
      done({ expected: [view] });
      await s.returnInterviews.record(
        ctx.lead,
        ri.id,
        outcome === 'offered'
          ? { outcome, offeredAt: minutesAgo(10), offeredBy: 'Probe Worker' }
          : { outcome, declinedReason: 'The child did not want to talk' },
      );
      done({
        expected: [view, [`return-interview.${outcome}`, 'return_interview', ri.id]],
        changed: { table: 'return_interview', id: ri.id },
        apply: () => {
          ri.status = outcome;
        },
      });
      return;
    }
    case 'raise notice': {
      const c = pickFrom(model.children, o.pick);
      if (!c) return perform(model, { kind: 'record child', invalid: false }, done);
      done({ expected: [] });
      const id = await s.notices.raise(ctx.social, {
        childId: c.id,
        categories: ['sexual_exploitation'],
        whatHappened: 'Seen getting into a car with an older man',
        source: 'Probe',
      });
      done({ expected: [['notice.raise', 'notice', id]], changed: { table: 'notice', id } });
      return;
    }
    case 'report sighting': {
      done({ expected: o.wrongCode ? [['sighting.code-refused', 'sighting_access_code', null]] : [] });
      const { reference } = await s.sightings.report(systemContext(t.clock, 'probe-sighting'), {
        code: o.wrongCode ? 'WRONG-CODE' : accessCode,
        seenAt: minutesAgo(60),
        place: 'Probe Hotel car park',
        whatSeen: 'Two young people with an older man',
      });
      const rows = await s.withTransaction((tx) =>
        tx.execute(sql`select id from sighting where reference = ${reference}`),
      );
      const id = String((rows as unknown as { rows: { id: string }[] }).rows[0]?.id);
      done({ expected: [['sighting.report', 'sighting', id]], changed: { table: 'sighting', id } });
      return;
    }
    case 'record intelligence': {
      // Without the intelligence permission: refused before anything is read.
      done({ expected: [] });
      const actor = o.forbidden ? ctx.health : ctx.police;
      if (o.log) {
        const id = await s.intelligence.addLogEntry(actor, {
          summary: 'Probe: a car seen outside the home',
          occurredAt: minutesAgo(120),
        });
        done({ expected: [['intelligence.log', 'intel_log', id]], changed: { table: 'intel_log', id } });
        return;
      }
      const number = `07700 900${o.phone}`;
      const e164 = `+447700900${o.phone}`;
      const { id, existing } = await s.intelligence.createEntity(actor, { kind: 'phone', number });
      // A phone already known is found, not made again, and nothing is written.
      done(
        existing
          ? { expected: [] }
          : {
              expected: [['intelligence.entity-create', 'intel_entity', id]],
              changed: { table: 'intel_entity', id },
              apply: () => knownPhones.add(e164),
            },
      );
      if (existing !== knownPhones.has(e164))
        throw new Error(`the model and the service disagree on ${number}`);
      return;
    }
  }
}

// ---- Reading the log ------------------------------------------------------------------------------

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

async function lastSeq(): Promise<number> {
  const result = await t.services.withTransaction((tx) =>
    tx.execute(sql`select coalesce(max(seq), 0)::bigint as seq from audit_event`),
  );
  return Number(rowsOf<{ seq: string }>(result)[0]?.seq);
}

async function eventsAfter(seq: number) {
  const result = await t.services.withTransaction((tx) =>
    tx.execute(sql`select action, subject_type, subject_id, xmin::text as xid
                     from audit_event where seq > ${seq} order by seq`),
  );
  return rowsOf<{ action: string; subject_type: string | null; subject_id: string | null; xid: string }>(
    result,
  );
}

async function xidOf(changed: Changed): Promise<string | undefined> {
  const result = await t.services.withTransaction((tx) =>
    tx.execute(
      sql`select xmin::text as xid from ${sql.identifier(changed.table)}
           where ${sql.identifier(changed.column ?? 'id')} = ${changed.id}::uuid
           order by xmin::text::bigint desc limit 1`,
    ),
  );
  return rowsOf<{ xid: string }>(result)[0]?.xid;
}

/** Counts of every table the operations write, and the states they move records between. */
async function fingerprint(): Promise<string> {
  const result = await t.services.withTransaction((tx) =>
    tx.execute(sql`select
      (select count(*) from child)::int as children,
      (select count(*) from episode)::int as episodes,
      (select count(*) from episode where ended_at is not null)::int as closed,
      (select count(*) from risk_grading)::int as gradings,
      (select count(*) from return_interview)::int as interviews,
      (select string_agg(status::text, ',' order by id) from return_interview) as statuses,
      (select count(*) from notice)::int as notices,
      (select count(*) from sighting)::int as sightings,
      (select count(*) from intel_entity)::int as entities,
      (select count(*) from intel_log)::int as logs,
      (select count(*) from alert)::int as alerts,
      (select count(*) from audit_event)::int as audit`),
  );
  return JSON.stringify(rowsOf(result)[0]);
}

const key = (e: Event) => JSON.stringify(e);
/** The events in `a` that `b` does not account for, counting repeats. */
function minus(a: Event[], b: Event[]): Event[] {
  const left = new Map<string, number>();
  for (const e of b) left.set(key(e), (left.get(key(e)) ?? 0) + 1);
  return a.filter((e) => {
    const n = left.get(key(e)) ?? 0;
    if (n === 0) return true;
    left.set(key(e), n - 1);
    return false;
  });
}

class InjectedFailure extends Error {}

describe(`audit completeness (${databaseKind()})`, () => {
  it('leaves exactly the expected audit events, each in the transaction of its change', async () => {
    let operations = 0;
    let sequences = 0;
    let rolledBack = 0;
    let refused = 0;
    const missing: string[] = [];
    const extra: string[] = [];
    const apart: string[] = [];
    const leftBehind: string[] = [];

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 6, maxLength: 20 }), async (steps) => {
        sequences += 1;
        const model: Model = { children: [], interviews: [] };
        for (const { op: o, rollBack } of steps) {
          operations += 1;
          const label = `${o.kind}${rollBack ? ' (rolled back)' : ''}`;
          const before = await lastSeq();
          const print = rollBack ? await fingerprint() : '';
          let outcome: Outcome = { expected: [] };
          let failed = false;
          const run = () => perform(model, o, (x) => (outcome = x));
          try {
            if (!rollBack) await run();
            else {
              await t.services.withTransaction(async () => {
                await run();
                throw new InjectedFailure();
              });
            }
          } catch (error) {
            // Refusals (they carry an HTTP status) and invalid input are expected; anything else is not.
            const expectedError =
              error instanceof InjectedFailure ||
              (error instanceof Error && ('statusCode' in error || error.name === 'ZodError'));
            if (!expectedError) throw error;
            failed = true;
          }
          const events = await eventsAfter(before);
          const actual: Event[] = events.map((e) => [e.action, e.subject_type, e.subject_id]);
          const { expected, changed, apply } = outcome as Outcome;
          if (rollBack) {
            rolledBack += 1;
            // Neither the change nor its audit rows.
            if (actual.length > 0) extra.push(`${label}: ${JSON.stringify(actual)}`);
            const after = await fingerprint();
            if (after !== print) leftBehind.push(`${label}: ${print} → ${after}`);
            continue;
          }
          if (failed) refused += 1;
          for (const e of minus(expected, actual)) missing.push(`${label}: ${key(e)}`);
          for (const e of minus(actual, expected)) extra.push(`${label}: ${key(e)}`);
          if (!failed) apply?.();
          if (!failed && changed) {
            const xid = await xidOf(changed);
            const own = events.filter((e) => e.subject_id === changed.id && !e.action.endsWith('.view'));
            if (own.length === 0 || own.some((e) => e.xid !== xid)) {
              apart.push(`${label}: change in ${xid}, audit in ${own.map((e) => e.xid).join(',')}`);
            }
          }
        }
      }),
      { numRuns: 30, seed: 8_070 },
    );

    console.log(
      `Audit completeness: ${operations} generated operations in ${sequences} sequences (${refused} refused, ${rolledBack} rolled back after the operation): ${missing.length} missing events, ${extra.length} extra events, ${apart.length === 0 && leftBehind.length === 0 ? 'all in the change’s transaction' : `${apart.length + leftBehind.length} outside the change’s transaction`}`,
    );
    expect(missing).toEqual([]);
    expect(extra).toEqual([]);
    expect(apart).toEqual([]);
    expect(leftBehind).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    expect(rolledBack).toBeGreaterThan(0);
  }, 120_000);
});
