import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config';
import { TestClock } from '../../src/platform/context';
import { type Database, openDatabase } from '../../src/platform/db/client';
import { migrateDatabase } from '../../src/platform/db/migrate';
import { messageIdFor, type QueuedMail } from '../../src/platform/mail/mail.service';
import { createServices, type Services } from '../../src/services';
import { seedDemo } from '../../src/synth/demo';
import { contextFor } from '../support/contexts';
import { withDatabase } from '../support/global-setup';
import { freePort, spawnServer, stopServer, waitForServer } from '../support/process';
import { startSmtpPeer } from '../support/smtp';

// Alerts are never lost or doubled when the process sending them dies. Changes that raise alerts
// are made (some rolled back after their services queued the emails) while two real Lantern server
// processes share the mail jobs, and one is killed with SIGKILL the moment an SMTP peer has a
// message from it and before the peer has answered: the message is sent but never recorded as
// sent. Another process is started in its place each time. Every email of a committed change must reach the peer
// exactly once after de-duplication by Message-ID, and none of a rolled-back change.
// PostgreSQL only (vitest.multiprocess.config.ts).
const adminUrl = process.env.DATABASE_URL ?? '';
const name = `lantern_alerts_${randomBytes(4).toString('hex')}`;
const url = withDatabase(adminUrl, name);
const SEED = 20261202;
const KILLS = 2;

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
const random = seeded(SEED);

/** The wall clock, in the shape the test helpers take: the server processes keep real time too. */
class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}
const clock = new WallClock();

type Peer = Awaited<ReturnType<typeof startSmtpPeer>>;
/** A place for one server process, with the SMTP peer it sends to: who sent a message is known. */
interface Slot {
  peer: Peer;
  process: ChildProcess | null;
  /** Set once the process answers, cleared when it is killed. */
  up: boolean;
  starting: Promise<void> | null;
}

let database: Database;
let services: Services;
let supervisor: PgBoss;
const slots: Slot[] = [];
let kills = 0;
let closing = false;
/** Every message at every peer, in order of arrival. */
const received: { raw: string; to: string[] }[] = [];

/** Starts a Lantern server process (with its workers) in the slot and waits until it answers. */
async function startProcess(slot: Slot): Promise<void> {
  const port = await freePort();
  if (closing) return;
  const child = spawnServer({
    databaseUrl: url,
    port,
    env: { LANTERN_DEMO: 'false', SMTP_URL: slot.peer.url },
  });
  slot.process = child;
  // A process stopped before it answers is simply not up.
  const state = await waitForServer(`http://127.0.0.1:${port}`, { attempts: 1200, child });
  if (state === 'exited') return;
  if (state === 'timed out') throw new Error('the server process did not start');
  slot.up = true;
}

async function stopProcess(slot: Slot): Promise<void> {
  closing = true;
  await stopServer(slot.process);
  await slot.starting?.catch(() => undefined);
  await stopServer(slot.process);
}

/** Polls an asynchronous check until it holds, or gives up and lets the assertions say why. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await check()) return true;
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What each change's services queued, by mail key. */
const queuedBy = new Map<string, { mail: QueuedMail; committed: boolean }[]>();
let change: { mails: QueuedMail[] } | null = null;
const changeCount = { committed: 0, rolledBack: 0 };
class RolledBack extends Error {}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  database = await openDatabase({ databaseUrl: url, poolSize: 3 });
  await migrateDatabase(database);
  services = createServices(database, testConfig({ databaseUrl: url, smtpUrl: undefined }), clock);
  await seedDemo(services.withTransaction, clock, 'lantern-demo-password');
  await services.jobs.start();
  // Every email a change's services queue is noted against that change.
  const { mail } = services;
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
  // A job whose process died stays active until it expires (15 minutes by default); here it
  // expires after 5 seconds and a supervisor looks every second, so the test need not wait.
  supervisor = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max: 2,
    superviseIntervalSeconds: 1,
    monitorIntervalSeconds: 1,
  });
  supervisor.on('error', () => undefined);
  await supervisor.start();
  await supervisor.updateQueue('mail.send', { expireInSeconds: 5 });

  // Three processes share the mail jobs, as in a hub scaled out. When a peer has a message and has
  // not yet answered, the process sending it is killed, as long as another process is up to carry
  // on, and another process is started in its place. Kills come at seeded message counts.
  const killAt = new Set<number>();
  while (killAt.size < KILLS) killAt.add(3 + Math.floor(random() * 12));
  let due = 0;
  for (let i = 0; i < 3; i += 1) {
    const slot: Slot = { peer: await startSmtpPeer(), process: null, up: false, starting: null };
    slots.push(slot);
    slot.peer.received.push = (...items) => {
      received.push(...items);
      if (killAt.has(received.length)) due += 1;
      const sender = slot.process;
      const another = slots.some((s) => s !== slot && s.up);
      if (due > 0 && another && slot.up && sender) {
        due -= 1;
        slot.up = false;
        const exited = stopServer(sender, 'SIGKILL');
        kills += 1;
        slot.starting = Promise.all([slot.starting, exited]).then(() => startProcess(slot));
      }
      return items.length;
    };
  }
  await Promise.all(slots.map((slot) => startProcess(slot)));
}, 240_000);

afterAll(async () => {
  for (const slot of slots) await stopProcess(slot);
  await supervisor?.stop({ graceful: false }).catch(() => undefined);
  await services?.jobs.stop();
  services?.mailer.close();
  await database?.close();
  for (const slot of slots) await slot.peer.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}, 60_000);

/** One change: committed, or rolled back after its services have queued their emails. */
async function makeChange(committed: boolean, run: () => Promise<unknown>): Promise<void> {
  change = { mails: [] };
  const made = change;
  if (committed) {
    await services.withTransaction(run);
  } else {
    await expect(
      services.withTransaction(async () => {
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

describe('alerts while the process sending them is killed', () => {
  it('delivers every alert of a committed change exactly once and none of a rolled-back one', async () => {
    const social = await contextFor({ services, clock }, 'social.mash@lantern.invalid');
    const officer = await contextFor({ services, clock }, 'police.mash@lantern.invalid');
    const children: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      children.push(
        await services.children.create(social, {
          givenName: 'Probe',
          familyName: `Killed ${i}`,
          lookedAfter: true,
          responsibleAuthorityCode: 'E08000035',
        }),
      );
    }
    const report = (childId: string) =>
      services.episodes.report(social, childId, {
        kind: 'missing',
        startedAt: new Date(Date.now() - 60 * 60_000),
        policeForceCode: 'E23000010',
      });
    // Missing episodes reported (every third rolled back, then reported again), each graded high
    // risk (alternately rolled back), with pauses so the worker is busy while changes go on.
    for (const [i, childId] of children.entries()) {
      if (i % 3 === 1) await makeChange(false, () => report(childId));
      let id = '';
      await makeChange(true, async () => {
        id = await report(childId);
      });
      await makeChange(i % 2 === 0, () =>
        services.episodes.grade(officer, id, { grade: 'high', rationale: 'Seen with an adult of concern' }),
      );
      await new Promise((r) => setTimeout(r, 200 + random() * 600));
    }

    const expected = new Map<string, QueuedMail>();
    const rolledBackOnly = new Set<string>();
    for (const [key, list] of queuedBy) {
      const committed = list.find((q) => q.committed);
      if (committed) expected.set(messageIdFor(key), committed.mail);
      else rolledBackOnly.add(messageIdFor(key));
    }
    expect(expected.size).toBeGreaterThan(20);
    expect(rolledBackOnly.size).toBeGreaterThan(5);

    // Wait until every committed email has arrived and the mail queue has nothing left to do.
    const settled = await eventually(async () => {
      const arrived = new Set(received.map((m) => messageIdOf(m.raw)));
      if ([...expected.keys()].some((id) => !arrived.has(id))) return false;
      const { rows } = await database.raw.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = 'mail.send' and state in ('created', 'retry', 'active')",
      );
      return Number(rows[0]?.n) === 0;
    }, 75_000);

    const messages = received.map((m) => ({ ...m, id: messageIdOf(m.raw) }));
    const distinct = new Map<string, number>();
    for (const m of messages) distinct.set(m.id, (distinct.get(m.id) ?? 0) + 1);
    const unexpected = [...distinct.keys()].filter((id) => !expected.has(id));
    const fromRolledBack = [...distinct.keys()].filter((id) => rolledBackOnly.has(id));
    const missing = [...expected.keys()].filter((id) => !distinct.has(id));
    const duplicates = messages.length - distinct.size;
    const { rows: states } = await database.raw.query<{ state: string; n: number }>(
      "select state::text as state, count(*)::int as n from pgboss.job where name = 'mail.send' group by state",
    );

    const { committed, rolledBack } = changeCount;
    const line =
      `Alerts (worker processes killed with SIGKILL): ${committed + rolledBack} changes (${committed} committed, ${rolledBack} rolled back), ` +
      `${kills} worker failures/kills: every committed alert delivered exactly once after de-duplication ` +
      `(${duplicates} raw duplicates), ${fromRolledBack.length} for rolled-back changes`;
    console.log(line);
    // Said only when an assertion fails.
    const detail = `${expected.size} emails; seed ${SEED}; settled ${settled}; jobs ${JSON.stringify(states)}`;

    for (const m of messages) {
      const mail = expected.get(m.id);
      if (!mail) continue;
      expect(m.to).toEqual([mail.to]);
      expect(subjectOf(m.raw)).toBe(mail.subject);
    }
    expect(kills, detail).toBe(KILLS);
    expect(missing, detail).toEqual([]);
    expect(unexpected, detail).toEqual([]);
    expect(fromRolledBack, detail).toEqual([]);
    expect(distinct.size).toBe(expected.size);
    // Only a message whose sender died before recording it is sent again.
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(kills);
    expect(
      states.filter((r) => r.state !== 'completed'),
      detail,
    ).toEqual([]);
    expect(line).toContain(', 0 for rolled-back changes');
  }, 120_000);
});
