import type { Permission } from '../platform/access/catalogue';
import type { Context } from '../platform/context';
import { systemClock } from '../platform/context';

/**
 * Whoever runs `lantern` on the server is trusted like a hub administrator. Their actions are
 * audited under the nil user id, which the auditor's page shows as "System".
 */
export function commandLineContext(agencyId: string, permissions: Permission[]): Context {
  return {
    actor: {
      userId: '00000000-0000-0000-0000-000000000000',
      name: 'lantern command line',
      agencyId,
      agencyName: '',
      agencyType: 'local_authority',
      localAuthorityCode: null,
      policeForceCode: null,
      roles: [],
    },
    permissions: new Set(permissions),
    requestId: `cli-${process.pid}`,
    clock: systemClock,
  };
}
