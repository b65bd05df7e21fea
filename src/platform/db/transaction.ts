import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Database, Tx } from './client';
import { addDatabaseTime } from './timing';

/**
 * Runs `fn` in one transaction and hands it the transaction-bound handle. Services never see the
 * root handle: on PGlite (one connection) using it inside a transaction would hang for ever.
 *
 * Calls made inside `fn` (one service calling another, or a page gathering what it shows) join the
 * transaction already open instead of opening their own: one BEGIN and COMMIT a page, one
 * snapshot of the data, and all of it committed or none.
 */
export type WithTransaction = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Open {
  tx: Tx;
  runner: symbol;
  /** Set when `fn` has finished: work that outlives it (a timer, a pool's callback) starts afresh. */
  done: boolean;
  /** Writes held back to go in one statement each just before COMMIT (audit rows). */
  deferred: Map<Flush<unknown>, unknown[]>;
}

type Flush<T> = (tx: Tx, items: T[]) => Promise<void>;
const current = new AsyncLocalStorage<Open>();

type BeforeCommit = (tx: Tx) => Promise<void>;
const beforeCommit: BeforeCommit[] = [];

/**
 * Runs `hook` at the end of every transaction, before its held-back writes and COMMIT, so that what
 * it writes commits with the change or not at all (an API request's Idempotency-Key). A hook that
 * throws rolls the transaction back.
 */
export function runBeforeEveryCommit(hook: BeforeCommit): void {
  beforeCommit.push(hook);
}

export function transactionRunner(database: Database): WithTransaction {
  // Only the same database's transactions are joined.
  const runner = Symbol('transaction runner');
  return async (fn) => {
    const open = current.getStore();
    if (open && open.runner === runner && !open.done) return fn(open.tx);
    const started = performance.now();
    try {
      return await database.orm.transaction((raw) => {
        const state: Open = { tx: raw as unknown as Tx, runner, done: false, deferred: new Map() };
        return current
          .run(state, async () => {
            const result = await fn(state.tx);
            for (const hook of beforeCommit) await hook(state.tx);
            for (const [flush, items] of state.deferred) await flush(state.tx, items);
            return result;
          })
          .finally(() => {
            state.done = true;
          });
      });
    } finally {
      addDatabaseTime(performance.now() - started);
    }
  };
}

/**
 * Runs `fn` on the shared handle without BEGIN and COMMIT, each statement committing on its own:
 * for a single read, and at most an idempotent write after it, that shares no snapshot with
 * anything else (finding a session). Inside an open transaction it joins that transaction.
 */
export async function withoutTransaction<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const open = current.getStore();
  if (open && !open.done) return fn(open.tx);
  const started = performance.now();
  try {
    return await fn(database.orm as unknown as Tx);
  } finally {
    addDatabaseTime(performance.now() - started);
  }
}

/**
 * Holds a write back until the transaction that `tx` belongs to is about to commit, when `flush`
 * writes everything held for it in one statement. Outside such a transaction it writes at once.
 */
export async function deferUntilCommit<T>(tx: Tx, flush: Flush<T>, item: T): Promise<void> {
  const open = current.getStore();
  if (!open || open.done || open.tx !== tx) return flush(tx, [item]);
  const held = open.deferred.get(flush as Flush<unknown>);
  if (held) held.push(item);
  else open.deferred.set(flush as Flush<unknown>, [item]);
}

/**
 * Plans the rest of the transaction's statements for their own values. Statements are prepared
 * once per connection, and PostgreSQL may then reuse one plan for every value; for a queue or a
 * search, whose best plan depends on how much the agency or name matches, that plan can be far
 * worse. Lists and searches call this first.
 */
export async function planForTheseValues(tx: Tx): Promise<void> {
  await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
}
