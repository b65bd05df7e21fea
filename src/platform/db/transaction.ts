import type { Database, Tx } from './client';

/**
 * Runs `fn` in one transaction and hands it the transaction-bound handle. Services never see the
 * root handle: on PGlite (one connection) using it inside a transaction would hang for ever.
 */
export type WithTransaction = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

export function transactionRunner(database: Database): WithTransaction {
  return (fn) => database.orm.transaction((tx) => fn(tx as unknown as Tx));
}
