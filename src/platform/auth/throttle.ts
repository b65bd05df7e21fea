import { eq } from 'drizzle-orm';
import type { Config } from '../../config';
import type { Clock } from '../context';
import type { Tx } from '../db/client';
import { signInThrottle } from './tables';

/** When the key is locked out, the time it opens again; otherwise null. */
export async function lockedUntil(tx: Tx, key: string, clock: Clock): Promise<Date | null> {
  const [row] = await tx.select().from(signInThrottle).where(eq(signInThrottle.key, key));
  if (row?.lockedUntil && row.lockedUntil > clock.now()) return row.lockedUntil;
  return null;
}

/** Counts a failure; locks the key once failures in the window reach the limit. */
export async function recordFailure(
  tx: Tx,
  key: string,
  clock: Clock,
  policy: Config['lockout'],
): Promise<Date | null> {
  const now = clock.now();
  const [row] = await tx.select().from(signInThrottle).where(eq(signInThrottle.key, key)).for('update');
  const windowExpired =
    !row ||
    (row.lockedUntil !== null && row.lockedUntil <= now) ||
    now.getTime() - row.windowStartedAt.getTime() > policy.windowMinutes * 60_000;
  const failures = windowExpired ? 1 : (row?.failures ?? 0) + 1;
  const windowStartedAt = windowExpired ? now : (row?.windowStartedAt ?? now);
  const locked =
    failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMinutes * 60_000) : null;
  await tx
    .insert(signInThrottle)
    .values({ key, failures, windowStartedAt, lockedUntil: locked })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: { failures, windowStartedAt, lockedUntil: locked },
    });
  return locked;
}

export async function clearFailures(tx: Tx, key: string): Promise<void> {
  await tx.delete(signInThrottle).where(eq(signInThrottle.key, key));
}
