import { and, count, eq } from 'drizzle-orm';
import { team, teamMember } from '../features/allocation/tables';
import type { Role } from '../platform/access/catalogue';
import { agency, commission } from '../platform/agencies/tables';
import { recordAudit } from '../platform/audit/audit';
import { hashPassword } from '../platform/auth/passwords';
import { appUser } from '../platform/auth/tables';
import { type Clock, systemContext } from '../platform/context';
import type { WithTransaction } from '../platform/db/transaction';

/**
 * Demo agencies: a local authority and its police force, a neighbouring authority and its force,
 * a children's home provider, a health trust, a voluntary service and a hotel. All synthetic.
 */
export const demoAgencies = [
  {
    key: 'la',
    name: 'Leeds City Council Children’s Services',
    type: 'local_authority',
    localAuthorityCode: 'E08000035',
  },
  { key: 'police', name: 'West Yorkshire Police', type: 'police_force', policeForceCode: 'E23000010' },
  {
    key: 'la2',
    name: 'North Yorkshire Council Children’s Services',
    type: 'local_authority',
    localAuthorityCode: 'E06000065',
  },
  { key: 'police2', name: 'North Yorkshire Police', type: 'police_force', policeForceCode: 'E23000009' },
  {
    key: 'homes',
    name: 'Brightwater Children’s Homes Ltd',
    type: 'childrens_home_provider',
    localAuthorityCode: 'E08000035',
  },
  { key: 'health', name: 'Airedale Community Health Trust', type: 'health', localAuthorityCode: 'E08000035' },
  { key: 'voluntary', name: 'Safe Return Project', type: 'voluntary', localAuthorityCode: 'E08000035' },
  { key: 'hotel', name: 'Canal Street Hotel', type: 'report_only', localAuthorityCode: 'E08000035' },
] as const;

type AgencyKey = (typeof demoAgencies)[number]['key'];

/** One demo user per role; emails are on the reserved .invalid domain, so mail can never reach anyone. */
export const demoUsers: { email: string; name: string; agency: AgencyKey; roles: Role[] }[] = [
  {
    email: 'police.mash@lantern.invalid',
    name: 'Sam Okafor',
    agency: 'police',
    roles: ['police_mash_officer'],
  },
  {
    email: 'social.mash@lantern.invalid',
    name: 'Priya Hale',
    agency: 'la',
    roles: ['social_care_mash_practitioner'],
  },
  {
    email: 'coordinator@lantern.invalid',
    name: 'Dan Whitlow',
    agency: 'police',
    roles: ['missing_coordinator'],
  },
  {
    email: 'duty.manager@lantern.invalid',
    name: 'Helen Sowerby',
    agency: 'police',
    roles: ['duty_manager'],
  },
  { email: 'missing.lead@lantern.invalid', name: 'Ruth Ashdown', agency: 'la', roles: ['missing_lead'] },
  {
    email: 'return.worker@lantern.invalid',
    name: 'Leon Marsh',
    agency: 'voluntary',
    roles: ['return_interview_worker'],
  },
  {
    email: 'home.staff@lantern.invalid',
    name: 'Gemma Toft',
    agency: 'homes',
    roles: ['childrens_home_staff'],
  },
  { email: 'health@lantern.invalid', name: 'Omar Pell', agency: 'health', roles: ['health_practitioner'] },
  { email: 'analyst@lantern.invalid', name: 'Ivy Carrow', agency: 'la', roles: ['analyst'] },
  { email: 'chair@lantern.invalid', name: 'Martin Fray', agency: 'la', roles: ['subgroup_chair'] },
  {
    email: 'agency.admin@lantern.invalid',
    name: 'Nadia Brook',
    agency: 'police',
    roles: ['agency_administrator'],
  },
  { email: 'hub.admin@lantern.invalid', name: 'Alex Penrose', agency: 'la', roles: ['hub_administrator'] },
  { email: 'auditor@lantern.invalid', name: 'Celia Wren', agency: 'la', roles: ['auditor'] },
  {
    email: 'hotel.admin@lantern.invalid',
    name: 'Tom Ridley',
    agency: 'hotel',
    roles: ['report_only_reporter'],
  },
  {
    email: 'neighbour.police@lantern.invalid',
    name: 'Kath Dunmore',
    agency: 'police2',
    roles: ['police_mash_officer'],
  },
  {
    email: 'neighbour.social@lantern.invalid',
    name: 'Joel Beck',
    agency: 'la2',
    roles: ['social_care_mash_practitioner'],
  },
];

/** Demo teams, each with its members, so queues and allocation have somewhere to start. */
export const demoTeams: { agency: AgencyKey; name: string; members: string[] }[] = [
  {
    agency: 'police',
    name: 'Missing persons unit',
    members: ['coordinator@lantern.invalid', 'police.mash@lantern.invalid'],
  },
  { agency: 'police', name: 'Police MASH', members: ['police.mash@lantern.invalid'] },
  { agency: 'la', name: 'Front door MASH', members: ['social.mash@lantern.invalid'] },
  { agency: 'la', name: 'Missing and return team', members: ['missing.lead@lantern.invalid'] },
  { agency: 'voluntary', name: 'Return interviews', members: ['return.worker@lantern.invalid'] },
];

export async function isEmpty(withTransaction: WithTransaction): Promise<boolean> {
  const [row] = await withTransaction((tx) => tx.select({ n: count() }).from(agency));
  return Number(row?.n ?? 0) === 0;
}

/** Loads the demo agencies and users. Idempotent: agencies and users already there are left alone. */
export async function seedDemo(
  withTransaction: WithTransaction,
  clock: Clock,
  password: string,
): Promise<{ users: number }> {
  const passwordHash = await hashPassword(password);
  const ctx = systemContext(clock, 'seed');
  return withTransaction(async (tx) => {
    const ids = new Map<AgencyKey, string>();
    for (const a of demoAgencies) {
      const [existing] = await tx.select({ id: agency.id }).from(agency).where(eq(agency.name, a.name));
      if (existing) {
        ids.set(a.key, existing.id);
        continue;
      }
      const [row] = await tx
        .insert(agency)
        .values({
          name: a.name,
          type: a.type,
          localAuthorityCode: 'localAuthorityCode' in a ? a.localAuthorityCode : null,
          policeForceCode: 'policeForceCode' in a ? a.policeForceCode : null,
          email: `duty.${a.key}@lantern.invalid`,
          createdAt: clock.now(),
        })
        .returning({ id: agency.id });
      if (!row) throw new Error('agency insert returned nothing');
      ids.set(a.key, row.id);
      await recordAudit(tx, ctx, { action: 'agency.create', subjectType: 'agency', subjectId: row.id });
    }
    // Leeds commissions the Safe Return Project to hold its return interviews.
    const leeds = ids.get('la');
    const provider = ids.get('voluntary');
    if (leeds && provider) {
      const [existing] = await tx
        .select({ id: commission.id })
        .from(commission)
        .where(eq(commission.commissionerAgencyId, leeds));
      if (!existing) {
        await tx.insert(commission).values({
          commissionerAgencyId: leeds,
          providerAgencyId: provider,
          service: 'return_interviews',
          createdAt: clock.now(),
        });
      }
    }
    let added = 0;
    for (const u of demoUsers) {
      const [existing] = await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, u.email));
      if (existing) continue;
      const agencyId = ids.get(u.agency);
      if (!agencyId) throw new Error(`demo agency ${u.agency} missing`);
      const [row] = await tx
        .insert(appUser)
        .values({
          agencyId,
          email: u.email,
          name: u.name,
          roles: u.roles,
          passwordHash,
          createdAt: clock.now(),
        })
        .returning({ id: appUser.id });
      if (row) await recordAudit(tx, ctx, { action: 'user.create', subjectType: 'user', subjectId: row.id });
      added += 1;
    }
    for (const d of demoTeams) {
      const agencyId = ids.get(d.agency);
      if (!agencyId) continue;
      const [existing] = await tx
        .select({ id: team.id })
        .from(team)
        .where(and(eq(team.agencyId, agencyId), eq(team.name, d.name)));
      if (existing) continue;
      const [row] = await tx
        .insert(team)
        .values({ agencyId, name: d.name, createdAt: clock.now() })
        .returning({ id: team.id });
      if (!row) throw new Error('team insert returned nothing');
      for (const email of d.members) {
        const [u] = await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, email));
        if (u) await tx.insert(teamMember).values({ teamId: row.id, userId: u.id, addedAt: clock.now() });
      }
    }
    return { users: added };
  });
}
