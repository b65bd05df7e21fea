import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, systemContext } from '../../src/platform/context';
import { startWorkers } from '../../src/platform/jobs/workers';
import { messageIdFor, type QueuedMail } from '../../src/platform/mail/mail.service';
import { sentMail } from '../../src/platform/mail/tables';
import { buildTestApp, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';
import { startSmtpPeer } from '../support/smtp';

// Alerts are never lost or doubled. Changes that raise alerts (missing episodes reported, graded
// high risk, unacknowledged alerts escalated, return interviews coming due and overdue) are made
// against the mail worker while its job handler fails at random points: before sending, after the
// SMTP peer has the message but before it is recorded as sent, and after it is recorded but before
// the job completes. Some changes are rolled back after their service has queued the emails. Every
// email a committed change queued must reach the SMTP peer exactly once after de-duplication by
// Message-ID, and no email only a rolled-back change queued may reach it at all.

type FaultPoint = 'before sending' | 'after sending, before recording' | 'after recording';

/** A small seeded generator: the same faults for the same order of attempts. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

class RolledBack extends Error {}

/** Polls an asynchronous check until it holds, or gives up and lets the assertions say why. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await check()) return true;
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const SEED = 20260601;
const random = seeded(SEED);
/** No key fails more often than this: more than pg-boss's default of two retries. */
const MAX_FAULTS_PER_KEY = 3;

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let t: TestApp;

/** What each change's services queued, by mail key. */
const queuedBy = new Map<string, { mail: QueuedMail; committed: boolean }[]>();
let change: { committed: boolean; mails: QueuedMail[] } | null = null;
const changeCount = { committed: 0, rolledBack: 0 };
const faults = new Map<FaultPoint, number>([
  ['before sending', 0],
  ['after sending, before recording', 0],
  ['after recording', 0],
]);
const faultsOfKey = new Map<string, number>();
const attempt = new AsyncLocalStorage<FaultPoint | null>();

beforeAll(async () => {
  smtp = await startSmtpPeer();
  t = await buildTestApp({ smtpUrl: smtp.url });
  const { mail, mailer } = t.services;

  // Every email a change's services queue is noted against that change.
  const queue = mail.queue.bind(mail);
  const queueMany = mail.queueMany.bind(mail);
  mail.queue = async (tx, m) => {
    change?.mails.push(m);
    await queue(tx, m);
  };
  mail.queueMany = async (tx, ms) => {
    change?.mails.push(...ms);
    await queueMany(tx, ms);
  };

  // The mail job fails at random points, as a worker that dies there would.
  const deliver = mail.deliver.bind(mail);
  const send = mailer.send.bind(mailer);
  const fail = (point: FaultPoint): never => {
    faults.set(point, (faults.get(point) ?? 0) + 1);
    throw new Error(`worker failed ${point}`);
  };
  mail.deliver = async (data) => {
    const key = String(data.key);
    const used = faultsOfKey.get(key) ?? 0;
    let point: FaultPoint | null = null;
    if (used < MAX_FAULTS_PER_KEY && random() < 0.5) {
      const r = random();
      point =
        r < 1 / 3 ? 'before sending' : r < 2 / 3 ? 'after sending, before recording' : 'after recording';
      faultsOfKey.set(key, used + 1);
    }
    if (point === 'before sending') fail(point);
    const result = await attempt.run(point, () => deliver(data));
    if (point === 'after recording') fail(point);
    return result;
  };
  mailer.send = async (m, messageId) => {
    const sent = await send(m, messageId);
    const point = attempt.getStore();
    if (point === 'after sending, before recording') fail(point);
    return sent;
  };
  await startWorkers(t.services, 0.5);
  // Three more mail workers, as three more processes of a scaled-out hub would run: pg-boss shares
  // the jobs out, one worker to a job.
  for (let i = 0; i < 3; i += 1) {
    await t.services.jobs.work('mail.send', async (data) => void (await mail.deliver(data)), 0.5);
  }
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

/** One change: committed, or rolled back after its services have queued their emails. */
async function makeChange(committed: boolean, run: () => Promise<unknown>): Promise<void> {
  change = { committed, mails: [] };
  const made = change;
  if (committed) {
    await t.services.withTransaction(run);
  } else {
    await expect(
      t.services.withTransaction(async () => {
        await run();
        throw new RolledBack('the change failed after queueing its emails');
      }),
    ).rejects.toBeInstanceOf(RolledBack);
  }
  change = null;
  if (committed) changeCount.committed += 1;
  else changeCount.rolledBack += 1;
  for (const m of made.mails) {
    const list = queuedBy.get(m.key) ?? [];
    list.push({ mail: m, committed });
    queuedBy.set(m.key, list);
  }
}

const messageIdOf = (raw: string) => /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
/** The Subject header, unfolded. */
const subjectOf = (raw: string) =>
  /^Subject:\s*(.*)$/im.exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? '';

describe('alerts through a failing mail worker', () => {
  it('delivers every alert of a committed change exactly once and none of a rolled-back one', async () => {
    let tick = new Date('2026-06-01T09:00:00Z').getTime();
    const advance = (ms: number) => {
      tick += ms;
      t.clock.set(new Date(tick).toISOString());
    };
    advance(0);
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const officer = await contextFor(t, 'police.mash@lantern.invalid');
    const system = (): Context => systemContext(t.clock, 'reliability-job');

    const children: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      children.push(
        await t.services.children.create(social, {
          givenName: 'Probe',
          familyName: `Alerted ${i}`,
          lookedAfter: true,
          responsibleAuthorityCode: 'E08000035',
        }),
      );
    }
    const report = (childId: string) =>
      t.services.episodes.report(social, childId, {
        kind: 'missing',
        startedAt: new Date(tick - 60 * 60_000),
        policeForceCode: 'E23000010',
      });

    // Missing episodes reported: every third rolled back, then reported again and committed.
    const episodes: string[] = [];
    for (const [i, childId] of children.entries()) {
      advance(60_000);
      if (i % 3 === 1) await makeChange(false, () => report(childId));
      advance(60_000);
      await makeChange(true, async () => {
        episodes.push(await report(childId));
      });
    }
    // Graded high risk: alternately rolled back.
    for (const [i, id] of episodes.slice(0, 6).entries()) {
      advance(60_000);
      await makeChange(i % 2 === 0, () =>
        t.services.episodes.grade(officer, id, { grade: 'high', rationale: 'Seen with an adult of concern' }),
      );
    }
    // Nobody acknowledges: escalated to the duty managers, then to the coordinators. The first
    // attempt is rolled back, so the committed run after it sends the same emails once.
    advance(31 * 60_000);
    await makeChange(false, () => t.services.alerts.escalate(system()));
    await makeChange(true, () => t.services.alerts.escalate(system()));
    advance(31 * 60_000);
    await makeChange(true, () => t.services.alerts.escalate(system()));

    // Children come back; their return interviews come due and then go overdue.
    for (const id of episodes.slice(0, 3)) {
      advance(60_000);
      await t.services.episodes.close(social, id, { endedAt: new Date(tick - 30_000) });
    }
    advance(49 * 60 * 60_000);
    await makeChange(false, () => t.services.returnInterviews.remindAndEscalate(system()));
    await makeChange(true, () => t.services.returnInterviews.remindAndEscalate(system()));
    advance(24 * 60 * 60_000);
    await makeChange(false, () => t.services.returnInterviews.remindAndEscalate(system()));
    await makeChange(true, () => t.services.returnInterviews.remindAndEscalate(system()));

    // What should arrive: each key some committed change queued, once; nothing else.
    const expected = new Map<string, QueuedMail>();
    const rolledBackOnly = new Set<string>();
    for (const [key, list] of queuedBy) {
      const committed = list.find((q) => q.committed);
      if (committed) expected.set(messageIdFor(key), committed.mail);
      else rolledBackOnly.add(messageIdFor(key));
    }
    expect(expected.size).toBeGreaterThan(30);
    expect(rolledBackOnly.size).toBeGreaterThan(10);

    // Wait until every committed email has arrived and the mail queue has nothing left to do.
    const changesMadeAt = Date.now();
    const settled = await eventually(async () => {
      const arrived = new Set(smtp.received.map((m) => messageIdOf(m.raw)));
      if ([...expected.keys()].some((id) => !arrived.has(id))) return false;
      const { rows } = await t.database.raw.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = 'mail.send' and state in ('created', 'retry', 'active')",
      );
      return Number(rows[0]?.n) === 0;
    }, 45_000);

    const received = smtp.received.map((m) => ({ ...m, id: messageIdOf(m.raw) }));
    const distinct = new Map<string, number>();
    for (const m of received) distinct.set(m.id, (distinct.get(m.id) ?? 0) + 1);
    const unexpected = [...distinct.keys()].filter((id) => !expected.has(id));
    const fromRolledBack = [...distinct.keys()].filter((id) => rolledBackOnly.has(id));
    const missing = [...expected.keys()].filter((id) => !distinct.has(id));
    const duplicates = received.length - distinct.size;
    const { rows: states } = await t.database.raw.query<{ state: string; n: number }>(
      "select state::text as state, count(*)::int as n from pgboss.job where name = 'mail.send' group by state",
    );
    const recorded = await t.services.withTransaction((tx) => tx.select().from(sentMail));

    const committedChanges = changeCount.committed;
    const rolledBackChanges = changeCount.rolledBack;
    const failures = [...faults.values()].reduce((a, b) => a + b, 0);
    const line =
      `Alerts: ${committedChanges + rolledBackChanges} changes (${committedChanges} committed, ${rolledBackChanges} rolled back), ` +
      `${failures} worker failures/kills: every committed alert delivered exactly once after de-duplication ` +
      `(${duplicates} raw duplicates), ${fromRolledBack.length} for rolled-back changes`;
    console.log(line);
    // Said only when an assertion fails.
    const detail =
      `${expected.size} emails; failures ${[...faults].map(([p, n]) => `${p}: ${n}`).join(', ')}; seed ${SEED}; ` +
      `settled ${settled} after ${Date.now() - changesMadeAt} ms; jobs ${JSON.stringify(states)}`;

    // Each copy is the message it claims to be.
    for (const m of received) {
      const mail = expected.get(m.id);
      if (!mail) continue;
      expect(m.to).toEqual([mail.to]);
      expect(subjectOf(m.raw)).toBe(mail.subject);
    }
    expect(missing, detail).toEqual([]);
    expect(unexpected, detail).toEqual([]);
    expect(fromRolledBack, detail).toEqual([]);
    expect(distinct.size).toBe(expected.size);
    // A copy is sent again only when a worker failed between sending and recording it.
    expect(duplicates).toBe(faults.get('after sending, before recording'));
    expect(faults.get('after sending, before recording')).toBeGreaterThan(0);
    expect([...faultsOfKey.values()].some((n) => n === MAX_FAULTS_PER_KEY)).toBe(true);
    // No job was given up on, and each email is recorded as sent once.
    expect(
      states.filter((r) => r.state !== 'completed'),
      detail,
    ).toEqual([]);
    expect(new Set(recorded.map((r) => r.messageId))).toEqual(new Set(expected.keys()));
    expect(line).toContain(
      `(${faults.get('after sending, before recording')} raw duplicates), 0 for rolled-back`,
    );
  }, 90_000);
});
