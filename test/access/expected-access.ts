import type { Role } from '../../src/platform/access/catalogue';

/**
 * The expected-access table, written by hand: for each resource, each relationship between the
 * user's agency and the record, and each role, whether the user may see it. The probes in
 * access.test.ts are generated from it. Every issue that adds a resource adds its rows here.
 */
export type Relationship =
  | 'agency-holds-access' // a current child_access row for the user's agency
  | 'access-expired' // the agency's access has ended
  | 'no-relationship' // another agency's record, no access row
  | 'same-agency' // a user account in the user's own agency
  | 'other-agency' // a user account in another agency
  | 'same-area' // a record of the area the user's agency serves (Leeds, for every demo role)
  | 'other-area' // a record of another area
  | 'none'; // a resource with no owner (a list, a log)

export type Resource =
  | 'child record'
  | 'child list entry'
  | 'child correction form'
  | 'episode'
  | 'risk review list entry'
  | 'child profile'
  | 'child profile form'
  | 'user account'
  | 'audit log'
  | 'agency list'
  | 'concern notice'
  | 'MASH queue'
  | 'CSE screening'
  | 'chronology'
  | 'subject access export'
  | 'decision at 18'
  | 'sighting'
  | 'work queues'
  | 'allocation'
  | 'child intelligence'
  | 'intelligence entity'
  | 'evidence pack'
  | 'network around a child'
  | 'resolution queue'
  | 'hotspots'
  | 'area networks'
  | 'care episodes'
  | 'dashboard'
  | 'annual report'
  | 'SSDA903 export'
  | 'episode import'
  | 'row-level download'
  | 'training staff member'
  | 'justice case'
  | 'advocacy meeting'
  | 'advocacy form';

export interface ExpectedAccess {
  resource: Resource;
  relationship: Relationship;
  role: Role;
  allow: boolean;
}

const childViewers: Role[] = [
  'police_mash_officer',
  'social_care_mash_practitioner',
  'missing_coordinator',
  'missing_lead',
  'return_interview_worker',
  'childrens_home_staff',
  'health_practitioner',
];
const profileEditors: Role[] = [
  'police_mash_officer',
  'social_care_mash_practitioner',
  'missing_coordinator',
  'missing_lead',
  'childrens_home_staff',
];
const childRecorders: Role[] = [
  'police_mash_officer',
  'social_care_mash_practitioner',
  'missing_coordinator',
  'missing_lead',
];
const mashTriagers: Role[] = ['police_mash_officer', 'social_care_mash_practitioner'];
const workers: Role[] = [
  'police_mash_officer',
  'social_care_mash_practitioner',
  'missing_coordinator',
  'missing_lead',
  'return_interview_worker',
  'subgroup_chair',
];
const everyRole: Role[] = [
  ...childViewers,
  'analyst',
  'subgroup_chair',
  'agency_administrator',
  'hub_administrator',
  'auditor',
  'report_only_reporter',
];

function rows(resource: Resource, relationship: Relationship, allowed: Role[]): ExpectedAccess[] {
  return everyRole.map((role) => ({ resource, relationship, role, allow: allowed.includes(role) }));
}

export const expectedAccess: ExpectedAccess[] = [
  // A child: only roles that work with children, and only while their agency holds access.
  ...rows('child record', 'agency-holds-access', childViewers),
  ...rows('child record', 'access-expired', []),
  ...rows('child record', 'no-relationship', []),
  ...rows('child list entry', 'agency-holds-access', childViewers),
  ...rows('child list entry', 'no-relationship', []),
  // Correcting a child's details: those who record children, and only while their agency holds access.
  ...rows('child correction form', 'agency-holds-access', childRecorders),
  ...rows('child correction form', 'access-expired', []),
  ...rows('child correction form', 'no-relationship', []),
  // An episode follows its child.
  ...rows('episode', 'agency-holds-access', childViewers),
  ...rows('episode', 'no-relationship', []),
  // The Philomena profile, its photo and printed sheet follow the child; changing it is for those
  // who look after the child or act on the profile.
  ...rows('child profile', 'agency-holds-access', childViewers),
  ...rows('child profile', 'access-expired', []),
  ...rows('child profile', 'no-relationship', []),
  ...rows('child profile form', 'agency-holds-access', profileEditors),
  ...rows('child profile form', 'no-relationship', []),
  // The overdue risk-review list: police who grade, and only for children their agency may see.
  ...rows('risk review list entry', 'agency-holds-access', ['police_mash_officer', 'missing_coordinator']),
  ...rows('risk review list entry', 'no-relationship', []),
  // User accounts: administrators of the same agency; the hub administrator for every agency.
  ...rows('user account', 'same-agency', ['agency_administrator', 'hub_administrator']),
  ...rows('user account', 'other-agency', ['hub_administrator']),
  // The audit log: auditors only.
  ...rows('audit log', 'none', ['auditor']),
  ...rows('agency list', 'none', ['agency_administrator', 'hub_administrator']),
  // A concern notice of Leeds about a child the user's agency may see, raised by another agency:
  // child viewers of the Leeds MASH (the council and West Yorkshire Police) only. Holding access to
  // the child is not enough for health, the home provider or the return-interview service.
  ...rows('concern notice', 'agency-holds-access', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'missing_lead',
  ]),
  ...rows('concern notice', 'no-relationship', []),
  // The MASH queues of notices and sightings: those who triage.
  ...rows('MASH queue', 'none', mashTriagers),
  // The chronology follows its child; the subject access export is for children's services only.
  ...rows('chronology', 'agency-holds-access', childViewers),
  ...rows('chronology', 'access-expired', []),
  ...rows('chronology', 'no-relationship', []),
  // Intelligence about a child: those with the intelligence permission who may also see the child.
  ...rows('child intelligence', 'agency-holds-access', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
  ]),
  ...rows('child intelligence', 'no-relationship', []),
  // A justice case: the justice permission, and the child.
  ...rows('justice case', 'agency-holds-access', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'missing_lead',
    'duty_manager',
    'return_interview_worker',
  ]),
  ...rows('justice case', 'access-expired', []),
  ...rows('justice case', 'no-relationship', []),
  // The evidence pack and the network around a child follow the same rule.
  ...rows('evidence pack', 'agency-holds-access', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
  ]),
  ...rows('evidence pack', 'no-relationship', []),
  ...rows('network around a child', 'agency-holds-access', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
  ]),
  ...rows('network around a child', 'no-relationship', []),
  // Deciding whether two records are one: those who resolve intelligence.
  ...rows('resolution queue', 'none', ['police_mash_officer', 'analyst']),
  // Hotspot counts: anyone who works with children or with intelligence (small counts suppressed
  // for those without the intelligence permission).
  ...rows('hotspots', 'none', [...childViewers, 'analyst', 'subgroup_chair']),
  // A looked-after child's care episodes: children's services who record them, with access to the child.
  ...rows('care episodes', 'agency-holds-access', ['social_care_mash_practitioner', 'missing_lead']),
  ...rows('care episodes', 'no-relationship', []),
  // The dashboard and the annual report of the user's own area.
  ...rows('dashboard', 'none', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'missing_lead',
    'analyst',
    'subgroup_chair',
  ]),
  ...rows('annual report', 'none', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'missing_lead',
    'analyst',
    'subgroup_chair',
  ]),
  // The statutory return: the authority's missing lead.
  ...rows('SSDA903 export', 'none', ['missing_lead']),
  // Importing police reports: the force's missing-from-home coordinator.
  ...rows('episode import', 'none', ['missing_coordinator']),
  // Row-level data, pseudonymised: analysts.
  ...rows('row-level download', 'none', ['analyst']),
  // The analysed networks of the user's area: the intelligence permission.
  ...rows('area networks', 'none', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'analyst',
    'subgroup_chair',
  ]),
  // An entity's page: the intelligence permission (its links to children still follow the children).
  ...rows('intelligence entity', 'none', [
    'police_mash_officer',
    'social_care_mash_practitioner',
    'missing_coordinator',
    'analyst',
    'subgroup_chair',
  ]),
  ...rows('subject access export', 'agency-holds-access', ['social_care_mash_practitioner', 'missing_lead']),
  ...rows('subject access export', 'no-relationship', []),
  // Handing over or closing a record at 18 is for the local authority's missing lead and MASH social care.
  ...rows('decision at 18', 'agency-holds-access', ['social_care_mash_practitioner', 'missing_lead']),
  ...rows('decision at 18', 'access-expired', []),
  ...rows('decision at 18', 'no-relationship', []),
  // Advocacy for a child's meetings follows the child; recording it is for the local authority's
  // MASH social care and missing lead.
  ...rows('advocacy meeting', 'agency-holds-access', childViewers),
  ...rows('advocacy meeting', 'access-expired', []),
  ...rows('advocacy meeting', 'no-relationship', []),
  ...rows('advocacy form', 'agency-holds-access', ['social_care_mash_practitioner', 'missing_lead']),
  ...rows('advocacy form', 'access-expired', []),
  ...rows('advocacy form', 'no-relationship', []),
  // A CSE screening follows its child.
  ...rows('CSE screening', 'agency-holds-access', childViewers),
  ...rows('CSE screening', 'access-expired', []),
  ...rows('CSE screening', 'no-relationship', []),
  // A sighting is for the MASH of its area to triage; the organisation that reported it cannot read it back.
  ...rows('sighting', 'same-area', mashTriagers),
  ...rows('sighting', 'other-area', []),
  // A staff member's training on the warning signs: the organisation's own users, the local
  // authority of its area and the hub administrator; not the police or any other agency.
  ...rows('training staff member', 'same-agency', [
    'social_care_mash_practitioner',
    'missing_lead',
    'analyst',
    'subgroup_chair',
    'agency_administrator',
    'hub_administrator',
    'report_only_reporter',
  ]),
  ...rows('training staff member', 'same-area', [
    'social_care_mash_practitioner',
    'missing_lead',
    'analyst',
    'subgroup_chair',
    'hub_administrator',
  ]),
  ...rows('training staff member', 'other-area', ['hub_administrator']),
  // "My work" and the queues: those who are allocated work. A child's allocation follows the child.
  ...rows('work queues', 'none', workers),
  ...rows(
    'allocation',
    'agency-holds-access',
    workers.filter((r) => childViewers.includes(r)),
  ),
  ...rows('allocation', 'access-expired', []),
  ...rows('allocation', 'no-relationship', []),
];
