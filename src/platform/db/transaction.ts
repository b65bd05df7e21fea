import type { Database, Tx } from './client';
import { addDatabaseTime } from './timing';

/**
 * Runs `fn` in one transaction and hands it the transaction-bound handle. Services never see the
 * root handle: on PGlite (one connection) using it inside a transaction would hang for ever.
 */
export type WithTransaction = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

export function transactionRunner(database: Database): WithTransaction {
  return async (fn) => {
    const started = performance.now();
    try {
      return await database.orm.transaction((tx) => fn(tx as unknown as Tx));
    } finally {
      addDatabaseTime(performance.now() - started);
    }
  };
}
