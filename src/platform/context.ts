import type { Permission } from './access/catalogue';
import type { AgencyType } from './agencies/tables';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move: 72-hour deadlines, idle sessions, review times. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-03-01T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Actor {
  userId: string;
  name: string;
  agencyId: string;
  agencyName: string;
  agencyType: AgencyType;
  /** The agency's local authority or police force area, for area-scoped work. */
  localAuthorityCode: string | null;
  policeForceCode: string | null;
  roles: string[];
  /** Set when the actor came in with an API token rather than a browser session. */
  credentialId?: string;
}

/** What every service method receives instead of a request. */
export interface Context {
  actor: Actor | null;
  permissions: ReadonlySet<Permission>;
  requestId: string;
  reason?: string;
  clock: Clock;
}

export function systemContext(clock: Clock, requestId = 'system'): Context {
  return { actor: null, permissions: new Set(), requestId, clock };
}
