/**
 * The permission catalogue: every action a route or service may check. Roles are named sets of
 * these; nothing else grants an action. Seeing a particular child's record additionally needs a
 * `child_access` row for the user's agency (DESIGN §5).
 */
export const permissions = {
  'home:view': 'See the home page',
  'child:view': 'See records of children the agency has access to',
  'child:create': 'Record a child',
  'child:correct': 'Correct a child’s details, with a reason; the old value is kept',
  'episode:report': 'Report a child missing or absent',
  'episode:grade': 'Grade the risk of an episode (police)',
  'episode:close': 'Record that a child is found or has returned',
  'return-interview:record': 'Record return interviews',
  'concern:raise': 'Tell the authorities and police of a suspicion of abuse or exploitation',
  'notice:raise': 'Raise a child concern notice for the MASH to assess',
  'notice:triage': 'Assess child concern notices in the MASH and record joint decisions',
  'screening:record': 'Record a CSE risk screening of a child',
  'sighting-code:manage': 'Issue and revoke the access codes your staff use to report sightings',
  'subgroup:manage': 'Run a CSE and missing subgroup: members, meetings, agendas, minutes and actions',
  'threshold:manage': 'Set an area’s threshold table and decision deadlines for child concern notices',
  'child:share': 'Share a child’s record with another agency for a time, on a lawful basis',
  'child:break-glass': 'See a child outside your agency’s access in an emergency, with a reason',
  'break-glass:review': 'Review your agency’s break-glass uses',
  'child:subject-access': 'Produce a subject access export of everything held about a child',
  'child:close':
    'Record at 18 that a child’s record is handed over (to leaving care or adult services) or closed',
  'work:view': 'See your own work and your teams’ queues, and take work from them',
  'work:allocate': 'Allocate and reallocate your agency’s work to workers and teams',
  'placement:record': 'Record where a looked-after child is placed',
  'profile:edit': 'Keep a child’s Philomena profile: description, photo, contacts and places',
  'childrens-home:view': 'See the register of children’s homes in your area',
  'childrens-home:import': 'Import the register of children’s homes',
  'agency:manage-own': 'Manage the users of your own agency',
  'agency:manage-all': 'Manage every agency and its users',
  'user:manage': 'Add, change and disable user accounts',
  'audit:view': 'Read the audit log',
  'api-token:own': 'Create and revoke your own API tokens',
  'reference:view': 'See reference data (authorities, forces, agencies)',
} as const;

export type Permission = keyof typeof permissions;

export const roles = {
  police_mash_officer: {
    name: 'Police MASH officer',
    agencyTypes: ['police_force'],
    permissions: [
      'work:view',
      'work:allocate',
      'child:break-glass',
      'child:share',
      'screening:record',
      'notice:raise',
      'notice:triage',
      'profile:edit',
      'childrens-home:view',
      'episode:report',
      'episode:grade',
      'episode:close',
      'home:view',
      'child:view',
      'child:create',
      'child:correct',
      'api-token:own',
      'reference:view',
    ],
  },
  social_care_mash_practitioner: {
    name: 'Social care MASH practitioner',
    agencyTypes: ['local_authority'],
    permissions: [
      'work:view',
      'work:allocate',
      'child:close',
      'child:subject-access',
      'child:break-glass',
      'child:share',
      'screening:record',
      'notice:raise',
      'notice:triage',
      'profile:edit',
      'placement:record',
      'childrens-home:view',
      'episode:report',
      'episode:close',
      'home:view',
      'child:view',
      'child:create',
      'child:correct',
      'api-token:own',
      'reference:view',
    ],
  },
  missing_coordinator: {
    name: 'Missing-from-home coordinator',
    agencyTypes: ['police_force'],
    permissions: [
      'work:view',
      'work:allocate',
      'child:break-glass',
      'child:share',
      'screening:record',
      'notice:raise',
      'profile:edit',
      'childrens-home:view',
      'episode:report',
      'episode:grade',
      'episode:close',
      'home:view',
      'child:view',
      'child:create',
      'child:correct',
      'api-token:own',
      'reference:view',
    ],
  },
  missing_lead: {
    name: 'Missing lead (local authority)',
    agencyTypes: ['local_authority'],
    permissions: [
      'work:view',
      'work:allocate',
      'child:close',
      'child:subject-access',
      'child:share',
      'screening:record',
      'notice:raise',
      'profile:edit',
      'placement:record',
      'childrens-home:view',
      'episode:report',
      'episode:close',
      'return-interview:record',
      'home:view',
      'child:view',
      'child:create',
      'child:correct',
      'api-token:own',
      'reference:view',
    ],
  },
  duty_manager: {
    name: 'Duty manager',
    agencyTypes: ['police_force', 'local_authority'],
    permissions: [
      'work:view',
      'work:allocate',
      'home:view',
      'child:view',
      'reference:view',
      'notice:raise',
      'child:share',
    ],
  },
  return_interview_worker: {
    name: 'Return interview worker',
    agencyTypes: ['local_authority', 'voluntary'],
    permissions: [
      'work:view',
      'screening:record',
      'notice:raise',
      'api-token:own',
      'return-interview:record',
      'home:view',
      'child:view',
      'reference:view',
    ],
  },
  childrens_home_staff: {
    name: "Children's home staff",
    agencyTypes: ['childrens_home_provider'],
    permissions: [
      'notice:raise',
      'profile:edit',
      'concern:raise',
      'childrens-home:view',
      'episode:report',
      'episode:close',
      'home:view',
      'child:view',
      'reference:view',
    ],
  },
  health_practitioner: {
    name: 'Health practitioner',
    agencyTypes: ['health'],
    permissions: ['notice:raise', 'home:view', 'child:view', 'reference:view'],
  },
  analyst: {
    name: 'Analyst',
    agencyTypes: ['police_force', 'local_authority'],
    permissions: ['childrens-home:view', 'home:view', 'reference:view', 'api-token:own'],
  },
  subgroup_chair: {
    name: 'Subgroup chair',
    agencyTypes: ['police_force', 'local_authority', 'health', 'voluntary', 'education'],
    permissions: ['work:view', 'subgroup:manage', 'home:view', 'reference:view'],
  },
  agency_administrator: {
    name: 'Agency administrator',
    agencyTypes: [
      'police_force',
      'local_authority',
      'health',
      'education',
      'voluntary',
      'childrens_home_provider',
      'report_only',
    ],
    permissions: ['break-glass:review', 'home:view', 'agency:manage-own', 'user:manage', 'reference:view'],
  },
  hub_administrator: {
    name: 'Hub administrator',
    agencyTypes: ['local_authority', 'police_force'],
    permissions: [
      'break-glass:review',
      'threshold:manage',
      'subgroup:manage',
      'childrens-home:view',
      'childrens-home:import',
      'home:view',
      'agency:manage-own',
      'agency:manage-all',
      'user:manage',
      'reference:view',
    ],
  },
  auditor: {
    name: 'Auditor',
    agencyTypes: ['police_force', 'local_authority'],
    permissions: ['break-glass:review', 'home:view', 'audit:view', 'reference:view'],
  },
  report_only_reporter: {
    name: 'Report-only organisation administrator',
    agencyTypes: ['report_only'],
    permissions: ['home:view', 'sighting-code:manage'],
  },
} as const satisfies Record<
  string,
  { name: string; agencyTypes: readonly string[]; permissions: readonly Permission[] }
>;

export type Role = keyof typeof roles;
export const roleNames = Object.keys(roles) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(roles, value);
}

export function permissionsOf(userRoles: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const r of userRoles) {
    if (isRole(r)) for (const p of roles[r].permissions) granted.add(p);
  }
  return granted;
}
