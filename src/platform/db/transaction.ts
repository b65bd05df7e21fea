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

const current = new AsyncLocalStorage<Tx>();

export function transactionRunner(database: Database): WithTransaction {
  return async (fn) => {
    const open = current.getStore();
    if (open) return fn(open);
    const started = performance.now();
    try {
      return await database.orm.transaction((tx) =>
        current.run(tx as unknown as Tx, () => fn(tx as unknown as Tx)),
      );
    } finally {
      addDatabaseTime(performance.now() - started);
    }
  };
}
