import { AsyncLocalStorage } from 'node:async_hooks';

/** Time one request spent in the database: its transactions' wall time, and how many it ran. */
export interface DatabaseTiming {
  ms: number;
  transactions: number;
}

const store = new AsyncLocalStorage<DatabaseTiming>();

/** Runs `fn` (the rest of a request) with `timing`; transactions inside add to it. */
export function runWithDatabaseTiming(timing: DatabaseTiming, fn: () => void): void {
  store.run(timing, fn);
}

export function addDatabaseTime(ms: number): void {
  const timing = store.getStore();
  if (!timing) return;
  timing.ms += ms;
  timing.transactions += 1;
}
