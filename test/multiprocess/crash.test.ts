import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/platform/auth/tokens';
import { prng } from '../../src/synth/random';
import { withDatabase } from '../support/global-setup';
import { freePort, spawnServer, stopServer, waitForServer } from '../support/process';

// Crash durability: API clients write concurrently to a real server process on PostgreSQL while it
// is killed with SIGKILL at random moments and started again. A client retries every write that
// was not answered, with the same Idempotency-Key, until it is. Afterwards every acknowledged
// write must be there, whole, and none twice.
const adminUrl = process.env.DATABASE_URL ?? '';
const name = `lantern_crash_${randomBytes(4).toString('hex')}`;
const url = withDatabase(adminUrl, name);
const KILLS = Number(process.env.CRASH_KILLS ?? 5);
const CLIENTS = 6;
const SEED = Number(process.env.CRASH_SEED ?? 20261202);
const WEST_YORKSHIRE = 'E23000010';

let port = 0;
let server: ChildProcess | null = null;
let db: pg.Client;
let token = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const base = () => `http://127.0.0.1:${port}`;

async function start(): Promise<void> {
  server = spawnServer({
    databaseUrl: url,
    port,
    env: {
      LANTERN_DEMO: 'true',
      LANTERN_DEMO_PASSWORD: 'lantern-demo-password',
      API_RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  if ((await waitForServer(base(), { attempts: 1200 })) !== 'up') throw new Error('the server did not start');
}

const kill = () => stopServer(server, 'SIGKILL');

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  port = await freePort();
  await start();
  db = new pg.Client({ connectionString: url });
  await db.connect();
  token = `lnt_crash_${randomUUID()}`;
  await db.query(
    `insert into api_token (user_id, name, token_hash, created_at)
     select id, 'crash probe', $1, now() from app_user where email = 'police.mash@lantern.invalid'`,
    [hashToken(token)],
  );
}, 240_000);

afterAll(async () => {
  await kill();
  await db?.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}, 60_000);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const stats = { attempts: 0, retries: 0, answerLost: 0 };

/** Sends one write until it gets an answer that is not a failure, always with the same key. */
async function write(method: string, url: string, body: object, key: string): Promise<Answer> {
  for (;;) {
    stats.attempts += 1;
    try {
      const r = await fetch(`${base()}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await r.text();
      if (r.status < 500) return { status: r.status, body: text ? JSON.parse(text) : {} };
    } catch {
      // The connection broke: the server is down or was killed mid-request.
    }
    stats.retries += 1;
    await sleep(250);
  }
}

const answerLost = (a: Answer) => a.status === 409 && String(a.body.detail ?? '').includes('carried out');

interface Unit {
  familyName: string;
  childId: string | null;
  episodeId: string | null;
  acknowledged: number;
}

describe('crash durability', () => {
  it('loses, half-writes and doubles nothing when the server is killed at random', async () => {
    const random = prng(SEED);
    const units: Unit[] = [];
    let killing = true;
    let kills = 0;

    const killer = (async () => {
      while (kills < KILLS) {
        await sleep(500 + Math.floor(random() * 2500));
        await kill();
        kills += 1;
        await start();
      }
      killing = false;
    })();

    const client = async (n: number) => {
      for (let i = 0; killing || i < 3; i += 1) {
        const unit: Unit = {
          familyName: `Crash${n}x${i}x${SEED}`,
          childId: null,
          episodeId: null,
          acknowledged: 0,
        };
        units.push(unit);
        const made = await write(
          'POST',
          '/api/v1/children',
          { givenName: 'Probe', familyName: unit.familyName },
          randomUUID(),
        );
        if (made.status === 201) unit.childId = String(made.body.id);
        else if (answerLost(made)) {
          stats.answerLost += 1;
          // The client finds what its lost request recorded, by its own reference.
          const found = await db.query('select id from child where family_name = $1', [unit.familyName]);
          unit.childId = found.rows[0]?.id ?? null;
        } else throw new Error(`creating a child: ${made.status} ${JSON.stringify(made.body)}`);
        unit.acknowledged += 1;
        if (!unit.childId) continue;
        const reported = await write(
          'POST',
          `/api/v1/children/${unit.childId}/episodes`,
          { kind: 'missing', startedAt: '2026-11-30T20:00:00Z', policeForceCode: WEST_YORKSHIRE },
          randomUUID(),
        );
        if (reported.status === 201) unit.episodeId = String(reported.body.id);
        else if (answerLost(reported)) stats.answerLost += 1;
        else throw new Error(`reporting an episode: ${reported.status} ${JSON.stringify(reported.body)}`);
        unit.acknowledged += 1;
      }
    };

    await Promise.all([killer, ...Array.from({ length: CLIENTS }, (_, n) => client(n))]);

    // Lost: an acknowledged child or episode that is not there.
    const lost: string[] = [];
    const duplicates: string[] = [];
    const partial: string[] = [];
    for (const unit of units) {
      const children = await db.query('select id from child where family_name = $1', [unit.familyName]);
      if (children.rows.length > 1) duplicates.push(`${children.rows.length} children ${unit.familyName}`);
      if (unit.acknowledged >= 1 && children.rows.length === 0) lost.push(`child ${unit.familyName}`);
      const childId = children.rows[0]?.id as string | undefined;
      if (!childId) continue;
      const episodes = await db.query('select id from episode where child_id = $1', [childId]);
      if (episodes.rows.length > 1) duplicates.push(`${episodes.rows.length} episodes of ${unit.familyName}`);
      if (unit.acknowledged >= 2 && episodes.rows.length === 0) lost.push(`episode of ${unit.familyName}`);
      if (unit.episodeId && !episodes.rows.some((e) => e.id === unit.episodeId)) {
        lost.push(`episode ${unit.episodeId}`);
      }
      // Whole: each record has its access row and its audit event, written in its transaction.
      const access = await db.query('select 1 from child_access where child_id = $1', [childId]);
      const created = await db.query(
        `select 1 from audit_event where action = 'child.create' and subject_id = $1`,
        [childId],
      );
      if (access.rows.length === 0 || created.rows.length !== 1) partial.push(`child ${unit.familyName}`);
      for (const e of episodes.rows) {
        const reported = await db.query(
          `select 1 from audit_event where action = 'episode.report' and subject_id = $1`,
          [e.id],
        );
        if (reported.rows.length !== 1) partial.push(`episode ${e.id}`);
      }
    }
    const writes = units.reduce((n, u) => n + u.acknowledged, 0);
    console.log(
      `Crash durability: ${writes} writes, ${kills} kills: ${lost.length} lost, ${partial.length} partial, ${duplicates.length} duplicates (${stats.attempts} requests, ${stats.retries} retried with the same key, ${stats.answerLost} answers lost and recognised on retry; seed ${SEED})`,
    );
    expect(kills).toBe(KILLS);
    expect(writes).toBeGreaterThan(KILLS * 4);
    expect(lost).toEqual([]);
    expect(partial).toEqual([]);
    expect(duplicates).toEqual([]);
  }, 600_000);
});
