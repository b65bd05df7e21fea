import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Config } from '../../config';
import { agency } from '../agencies/tables';
import type { Clock } from '../context';
import type { Tx } from '../db/client';
import { appUser, session } from './tables';
import { hashToken, newSecretToken } from './tokens';

export type PendingStep = 'second-factor' | 'enrol-second-factor' | 'change-password';

export interface ResolvedSession {
  tokenHash: string;
  pendingStep: PendingStep | null;
  user: {
    id: string;
    name: string;
    email: string;
    roles: string[];
    agencyId: string;
    agencyName: string;
    agencyType: (typeof agency.$inferSelect)['type'];
    localAuthorityCode: string | null;
    policeForceCode: string | null;
    totpSecret: string | null;
    totpEnabled: boolean;
    mustChangePassword: boolean;
  };
}

// Touch the session at most this often, so a page with several requests writes once.
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  tx: Tx,
  userId: string,
  pendingStep: PendingStep | null,
  clock: Clock,
): Promise<string> {
  const token = newSecretToken();
  const now = clock.now();
  await tx
    .insert(session)
    .values({ tokenHash: hashToken(token), userId, createdAt: now, lastSeenAt: now, pendingStep });
  return token;
}

/** Finds a live session; ends it if idle or past its absolute limit. */
export async function resolveSession(
  tx: Tx,
  token: string,
  clock: Clock,
  limits: Config['session'],
): Promise<ResolvedSession | null> {
  const tokenHash = hashToken(token);
  const [row] = await tx
    .select({ s: session, u: appUser, a: agency })
    .from(session)
    .innerJoin(appUser, eq(appUser.id, session.userId))
    .innerJoin(agency, eq(agency.id, appUser.agencyId))
    .where(and(eq(session.tokenHash, tokenHash), isNull(session.endedAt)));
  if (!row) return null;
  const now = clock.now();
  const idleFor = now.getTime() - row.s.lastSeenAt.getTime();
  const age = now.getTime() - row.s.createdAt.getTime();
  if (
    idleFor > limits.idleMinutes * 60_000 ||
    age > limits.absoluteHours * 3_600_000 ||
    row.u.disabledAt !== null ||
    row.a.disabledAt !== null
  ) {
    await tx.update(session).set({ endedAt: now }).where(eq(session.tokenHash, tokenHash));
    return null;
  }
  if (idleFor > TOUCH_EVERY_MS) {
    await tx.update(session).set({ lastSeenAt: now }).where(eq(session.tokenHash, tokenHash));
  }
  return {
    tokenHash,
    pendingStep: row.s.pendingStep,
    user: {
      id: row.u.id,
      name: row.u.name,
      email: row.u.email,
      roles: row.u.roles,
      agencyId: row.a.id,
      agencyName: row.a.name,
      agencyType: row.a.type,
      localAuthorityCode: row.a.localAuthorityCode,
      policeForceCode: row.a.policeForceCode,
      totpSecret: row.u.totpSecret,
      totpEnabled: row.u.totpEnabledAt !== null,
      mustChangePassword: row.u.mustChangePassword,
    },
  };
}

export async function setPendingStep(tx: Tx, tokenHash: string, step: PendingStep | null): Promise<void> {
  await tx.update(session).set({ pendingStep: step }).where(eq(session.tokenHash, tokenHash));
}

export async function endSession(tx: Tx, tokenHash: string, clock: Clock): Promise<void> {
  await tx.update(session).set({ endedAt: clock.now() }).where(eq(session.tokenHash, tokenHash));
}

/** Ends every live session of the user, or every one but `keep` (the session making the change). */
export async function endSessionsOfUser(tx: Tx, userId: string, clock: Clock, keep?: string): Promise<void> {
  await tx
    .update(session)
    .set({ endedAt: clock.now() })
    .where(
      and(
        eq(session.userId, userId),
        isNull(session.endedAt),
        keep === undefined ? undefined : ne(session.tokenHash, keep),
      ),
    );
}
