import { AsyncLocalStorage } from 'node:async_hooks';
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
}
const current = new AsyncLocalStorage<Open>();

export function transactionRunner(database: Database): WithTransaction {
  // Only the same database's transactions are joined.
  const runner = Symbol('transaction runner');
  return async (fn) => {
    const open = current.getStore();
    if (open && open.runner === runner && !open.done) return fn(open.tx);
    const started = performance.now();
    try {
      return await database.orm.transaction((raw) => {
        const state: Open = { tx: raw as unknown as Tx, runner, done: false };
        return current
          .run(state, () => fn(state.tx))
          .finally(() => {
            state.done = true;
          });
      });
    } finally {
      addDatabaseTime(performance.now() - started);
    }
  };
}
