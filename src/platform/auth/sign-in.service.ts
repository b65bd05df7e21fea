import { eq } from 'drizzle-orm';
import type { Config } from '../../config';
import { permissionsOf } from '../access/catalogue';
import { recordAudit } from '../audit/audit';
import type { Actor, Clock, Context } from '../context';
import type { WithTransaction } from '../db/transaction';
import { hashPassword, verifyPassword } from './passwords';
import {
  createSession,
  endSession,
  endSessionsOfUser,
  type PendingStep,
  type ResolvedSession,
  setPendingStep,
} from './sessions';
import { appUser } from './tables';
import { clearFailures, lockedUntil, recordFailure } from './throttle';
import { checkTotp, isTotpSecret, newTotpSecret } from './totp';
import * as repo from './users.repository';

export type SignInResult =
  | { kind: 'signed-in'; token: string; pendingStep: PendingStep | null }
  | { kind: 'invalid' }
  | { kind: 'locked'; until: Date };

export function actorOf(s: ResolvedSession, credentialId?: string): Actor {
  return {
    userId: s.user.id,
    name: s.user.name,
    agencyId: s.user.agencyId,
    agencyName: s.user.agencyName,
    agencyType: s.user.agencyType,
    localAuthorityCode: s.user.localAuthorityCode,
    policeForceCode: s.user.policeForceCode,
    roles: s.user.roles,
    ...(credentialId ? { credentialId } : {}),
  };
}

export function contextOf(s: ResolvedSession, requestId: string, clock: Clock): Context {
  return { actor: actorOf(s), permissions: permissionsOf(s.user.roles), requestId, clock };
}

export class SignInService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly config: Pick<Config, 'lockout' | 'requireSecondFactor'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Email and password. An unknown email, a wrong password and a disabled account give the same
   * answer; lock-out is counted per email whether or not it exists, so it reveals nothing either.
   */
  async signIn(email: string, password: string, requestId: string): Promise<SignInResult> {
    const key = `email:${email.toLowerCase()}`;
    const ctx: Context = { actor: null, permissions: new Set(), requestId, clock: this.clock };
    const found = await this.withTransaction(async (tx) => {
      const until = await lockedUntil(tx, key, this.clock);
      return { until, row: until ? null : await repo.findUserForSignIn(tx, email) };
    });
    // The hash is checked outside any transaction: it is slow, and PGlite has one connection.
    const passwordOk = await verifyPassword(found.row?.user.passwordHash, password);
    if (found.until) return { kind: 'locked', until: found.until };
    const user = found.row?.user;
    const usable = user && passwordOk && user.disabledAt === null && found.row?.agencyDisabledAt === null;
    if (!usable) {
      const locked = await this.withTransaction(async (tx) => {
        const l = await recordFailure(tx, key, this.clock, this.config.lockout);
        await recordAudit(tx, ctx, {
          action: l ? 'auth.locked-out' : 'auth.sign-in-failed',
          ...(user ? { subjectType: 'user', subjectId: user.id } : {}),
        });
        return l;
      });
      return locked ? { kind: 'locked', until: locked } : { kind: 'invalid' };
    }
    await this.withTransaction((tx) => clearFailures(tx, key));
    return this.startSession(user, requestId, { secondFactorDone: false, method: 'password' });
  }

  /**
   * The seam every way of signing in goes through once it has proved who the person is: the
   * password form today, single sign-on (OpenID Connect, through openid-client) when an agency
   * configures it. A provider that has already checked a second factor (its `amr` claim) passes
   * `secondFactorDone`; otherwise Lantern's own TOTP step still applies.
   */
  async startSession(
    user: { id: string; agencyId: string; totpEnabledAt: Date | null; mustChangePassword: boolean },
    requestId: string,
    how: { secondFactorDone: boolean; method: 'password' | 'single-sign-on' },
  ): Promise<SignInResult> {
    const pendingStep: PendingStep | null =
      !how.secondFactorDone && user.totpEnabledAt
        ? 'second-factor'
        : !how.secondFactorDone && this.config.requireSecondFactor
          ? 'enrol-second-factor'
          : user.mustChangePassword && how.method === 'password'
            ? 'change-password'
            : null;
    const ctx: Context = {
      actor: { userId: user.id, agencyId: user.agencyId } as Actor,
      permissions: new Set(),
      requestId,
      clock: this.clock,
    };
    const token = await this.withTransaction(async (tx) => {
      const t = await createSession(tx, user.id, pendingStep, this.clock);
      await repo.updateUser(tx, user.id, { lastSignedInAt: this.clock.now() });
      await recordAudit(tx, ctx, {
        action: `auth.sign-in.${how.method}`,
        subjectType: 'user',
        subjectId: user.id,
      });
      return t;
    });
    return { kind: 'signed-in', token, pendingStep };
  }

  private nextStepAfterSecondFactor(mustChangePassword: boolean): PendingStep | null {
    return mustChangePassword ? 'change-password' : null;
  }

  /** The code from the authenticator app. Failures count towards lock-out like passwords do. */
  async completeSecondFactor(
    session: ResolvedSession,
    code: string,
    requestId: string,
  ): Promise<SignInResult> {
    const key = `totp:${session.user.id}`;
    const ctx = contextOf(session, requestId, this.clock);
    const until = await this.withTransaction((tx) => lockedUntil(tx, key, this.clock));
    if (until) return { kind: 'locked', until };
    const secret = session.user.totpSecret;
    const ok = secret !== null && (await checkTotp(secret, code, this.clock));
    return this.withTransaction(async (tx) => {
      if (!ok) {
        const locked = await recordFailure(tx, key, this.clock, this.config.lockout);
        await recordAudit(tx, ctx, {
          action: 'auth.second-factor-failed',
          subjectType: 'user',
          subjectId: session.user.id,
        });
        if (locked) {
          await endSession(tx, session.tokenHash, this.clock);
          return { kind: 'locked', until: locked };
        }
        return { kind: 'invalid' };
      }
      await clearFailures(tx, key);
      const next = this.nextStepAfterSecondFactor(session.user.mustChangePassword);
      // A new session id once the code is given: an id someone knew or planted before is worth nothing.
      await endSession(tx, session.tokenHash, this.clock);
      const token = await createSession(tx, session.user.id, next, this.clock);
      await recordAudit(tx, ctx, {
        action: 'auth.second-factor',
        subjectType: 'user',
        subjectId: session.user.id,
      });
      return { kind: 'signed-in', token, pendingStep: next };
    });
  }

  /**
   * Starts enrolment: a fresh secret, shown to the user and sent back with the first code. Nothing is
   * stored until that code proves the app holds it, so a factor in use stays in force meanwhile and
   * opening the page (a link someone else sent) changes nothing.
   */
  async beginEnrolment(session: ResolvedSession, requestId: string): Promise<string> {
    await this.withTransaction((tx) =>
      recordAudit(tx, contextOf(session, requestId, this.clock), {
        action: 'auth.second-factor-enrol-start',
        subjectType: 'user',
        subjectId: session.user.id,
      }),
    );
    return newTotpSecret();
  }

  async confirmEnrolment(
    session: ResolvedSession,
    secret: string,
    code: string,
    requestId: string,
  ): Promise<boolean> {
    if (!isTotpSecret(secret) || !(await checkTotp(secret, code, this.clock))) return false;
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, session.user.id, { totpSecret: secret, totpEnabledAt: this.clock.now() });
      // A new second factor ends every other session, in case one of them was the reason for it.
      await endSessionsOfUser(tx, session.user.id, this.clock, session.tokenHash);
      if (session.pendingStep === 'enrol-second-factor') {
        await setPendingStep(
          tx,
          session.tokenHash,
          this.nextStepAfterSecondFactor(session.user.mustChangePassword),
        );
      }
      await recordAudit(tx, contextOf(session, requestId, this.clock), {
        action: 'auth.second-factor-enrolled',
        subjectType: 'user',
        subjectId: session.user.id,
      });
    });
    return true;
  }

  /**
   * Checks the password a signed-in user gives before changing it (ASVS V6.2.3): someone at an
   * unattended, signed-in computer cannot take the account over. The step after a reset is exempt,
   * as the temporary password was given moments before.
   */
  async currentPasswordIs(session: ResolvedSession, password: string): Promise<boolean> {
    const [row] = await this.withTransaction((tx) =>
      tx.select({ hash: appUser.passwordHash }).from(appUser).where(eq(appUser.id, session.user.id)),
    );
    return verifyPassword(row?.hash, password);
  }

  async changePassword(session: ResolvedSession, password: string, requestId: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, session.user.id, { passwordHash, mustChangePassword: false });
      // A new password ends every other session: someone who had the old one may be signed in elsewhere.
      await endSessionsOfUser(tx, session.user.id, this.clock, session.tokenHash);
      if (session.pendingStep === 'change-password') await setPendingStep(tx, session.tokenHash, null);
      await recordAudit(tx, contextOf(session, requestId, this.clock), {
        action: 'auth.password-change',
        subjectType: 'user',
        subjectId: session.user.id,
      });
    });
  }

  async signOut(session: ResolvedSession, requestId: string): Promise<void> {
    await this.withTransaction(async (tx) => {
      await endSession(tx, session.tokenHash, this.clock);
      await recordAudit(tx, contextOf(session, requestId, this.clock), {
        action: 'auth.sign-out',
        subjectType: 'user',
        subjectId: session.user.id,
      });
    });
  }
}
