import { sql } from 'drizzle-orm';
import {
  type DrizzleTransactionLike,
  fromDrizzle,
  fromPglite,
  PgBoss,
  type SendOptions,
  type UpdateQueueOptions,
} from 'pg-boss';
import type { Database, Tx } from '../db/client';

/** Every queue of the hub. Handlers must be idempotent: a job may run more than once. */
export const queueNames = [
  'audit.seal',
  'mail.send',
  'return-interview.check',
  'notice.escalate',
  'alert.escalate',
  'child.turning-18',
  'intelligence.network',
] as const;
export type QueueName = (typeof queueNames)[number];

/**
 * Queues that keep trying for longer than pg-boss's default of two quick retries. An alert's email
 * must outlast a mail relay that is down for a while: retried with a growing wait (1 s, 2 s, 4 s …
 * up to 10 minutes) for about five hours before the job is given up as failed.
 */
const queueOptions: Partial<Record<QueueName, UpdateQueueOptions>> = {
  'mail.send': { retryLimit: 40, retryDelay: 1, retryBackoff: true, retryDelayMax: 600 },
};

export type JobHandler = (data: Record<string, unknown>, job: { id: string; name: string }) => Promise<void>;

/**
 * pg-boss on the hub's own database: on PGlite through its adapter, on PostgreSQL with a small pool
 * of its own. Jobs are sent with the caller's transaction, so they commit or vanish with the change.
 */
export class JobQueue {
  readonly boss: PgBoss;
  private started = false;

  constructor(database: Database) {
    if (database.kind === 'pglite') {
      if (!database.pglite) throw new Error('PGlite database without its instance');
      this.boss = new PgBoss({
        db: fromPglite(database.pglite),
        backend: 'pglite',
        schema: 'pgboss',
        supervise: true,
      });
    } else {
      if (!database.url) throw new Error('PostgreSQL database without its URL');
      this.boss = new PgBoss({
        connectionString: database.url,
        schema: 'pgboss',
        max: 3,
        application_name: 'lantern-jobs',
      });
    }
    this.boss.on('error', (error) => console.error(`job queue: ${error.message}`));
  }

  /** Installs or upgrades pg-boss's schema and makes sure every queue exists. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const name of queueNames) {
      await this.boss.createQueue(name);
      // Also for a queue made before these options were set: jobs take them when they are sent.
      const options = queueOptions[name];
      if (options) await this.boss.updateQueue(name, options);
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }

  /** Sends a job inside the caller's transaction. */
  async enqueue(
    tx: Tx,
    name: QueueName,
    data: Record<string, unknown>,
    options: SendOptions = {},
  ): Promise<string | null> {
    // Our Tx is drizzle's PgTransaction; its execute() result type is wider than the adapter declares.
    return this.boss.send(name, data, {
      ...options,
      db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql),
    });
  }

  /** Sends several jobs of one queue in the caller's transaction, with one statement. */
  async enqueueMany(
    tx: Tx,
    name: QueueName,
    jobs: { data: Record<string, unknown>; singletonKey?: string }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(name, jobs, { db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql) });
  }

  async work(name: QueueName, handler: JobHandler, pollingIntervalSeconds = 2): Promise<void> {
    await this.boss.work<Record<string, unknown>>(
      name,
      { pollingIntervalSeconds, batchSize: 1 },
      async (jobs) => {
        for (const job of jobs) await handler(job.data ?? {}, { id: job.id, name: job.name });
      },
    );
  }

  async schedule(name: QueueName, cron: string): Promise<void> {
    await this.boss.schedule(name, cron, {}, { tz: 'Europe/London' });
  }
}
