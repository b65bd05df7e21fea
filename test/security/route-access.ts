import type { Role } from '../../src/platform/access/catalogue';
import type { RegisteredRoute } from '../../src/platform/http/declarations';

/**
 * The access matrix, written by hand: for every route, the roles it admits and the relationships
 * to the record that grant access. access-matrix.test.ts walks every route Fastify registered,
 * expands this table into one expected answer per route × role × relationship and probes it.
 * A route without a row fails the suite, and so does a row for a route that no longer exists.
 */

/** How the probing user's agency stands to the record the route is about. */
export type Relationship =
  // A child's record (and everything hanging off it), by the basis of the agency's child_access row:
  | 'own agency' // the agency recorded the child (for agency records: the user's own agency, area or account)
  | 'placing authority'
  | 'host authority'
  | 'episode force' // the police force of an episode
  | 'home' // the children's home provider where the child is placed
  | 'case team'
  | 'shared' // a time-limited share, on a lawful basis
  | 'unrelated agency' // another agency's record: no access row (for agency records: another agency or area)
  | 'report-only' // the agency reported the episode and raised the notice, and holds no access
  | 'none' // a route without a record: a list, a form to create, a report
  | 'sign-in step' // a session part-way through sign-in, at the route's step
  | 'signed out';

/**
 * - `child`: keyed by a child or a record of one (episode, notice, screening …); takes every
 *   child relationship, and the seven bases of `child_access` grant it;
 * - `notice`: keyed by a concern notice (or its attachments and strategy discussions). A notice is
 *   for the MASH of its area (own agency: a notice of the user's area); the agency that raised it
 *   may follow it (report-only: raised by the user's agency, in another area); so may the child's
 *   responsible authority while it holds access (placing authority); others may not (unrelated);
 * - `agency`: keyed by a record of an agency, an area or a person (user, team, token, sighting …);
 *   own agency grants it, unrelated agency does not;
 * - `none`: no record, or one every holder of the role may see (a home, an intelligence entity);
 * - `step`: a sign-in step, for a session at that step only;
 * - `public`: anyone, signed in or not.
 */
export type RecordKind = 'child' | 'notice' | 'agency' | 'none' | 'step' | 'public';

export const childRelationships: Relationship[] = [
  'own agency',
  'placing authority',
  'host authority',
  'episode force',
  'home',
  'case team',
  'shared',
  'unrelated agency',
  'report-only',
];
const childGrants: Relationship[] = childRelationships.slice(0, 7);

export function recordRelationships(kind: RecordKind): Relationship[] {
  switch (kind) {
    case 'child':
      return childRelationships;
    case 'notice':
      return ['own agency', 'report-only', 'placing authority', 'unrelated agency'];
    case 'agency':
      return ['own agency', 'unrelated agency'];
    case 'step':
      return ['none', 'sign-in step'];
    default:
      return ['none'];
  }
}

// Role sets, by name. Short local names keep the table readable.
const policeMash: Role = 'police_mash_officer';
const socialMash: Role = 'social_care_mash_practitioner';
const coordinator: Role = 'missing_coordinator';
const missingLead: Role = 'missing_lead';
const dutyManager: Role = 'duty_manager';
const returnWorker: Role = 'return_interview_worker';
const homeStaff: Role = 'childrens_home_staff';
const health: Role = 'health_practitioner';
const analyst: Role = 'analyst';
const chair: Role = 'subgroup_chair';
const agencyAdmin: Role = 'agency_administrator';
const hubAdmin: Role = 'hub_administrator';
const auditor: Role = 'auditor';
const reporter: Role = 'report_only_reporter';

const everyone: Role[] = [
  policeMash,
  socialMash,
  coordinator,
  missingLead,
  dutyManager,
  returnWorker,
  homeStaff,
  health,
  analyst,
  chair,
  agencyAdmin,
  hubAdmin,
  auditor,
  reporter,
];
/** Those who work with children's records. */
const childViewers: Role[] = [
  policeMash,
  socialMash,
  coordinator,
  missingLead,
  dutyManager,
  returnWorker,
  homeStaff,
  health,
];
const childRecorders: Role[] = [policeMash, socialMash, coordinator, missingLead];
const episodeReporters: Role[] = [policeMash, socialMash, coordinator, missingLead, homeStaff];
const graders: Role[] = [policeMash, coordinator];
const childrensServices: Role[] = [socialMash, missingLead];
const mashTriagers: Role[] = [policeMash, socialMash];
const noticeRaisers: Role[] = [...childViewers];
const returnInterviewers: Role[] = [missingLead, returnWorker];
const profileEditors: Role[] = [policeMash, socialMash, coordinator, missingLead, homeStaff];
const screeners: Role[] = [policeMash, socialMash, coordinator, missingLead, returnWorker];
const sharers: Role[] = [policeMash, socialMash, coordinator, missingLead, dutyManager];
const breakGlassers: Role[] = [policeMash, socialMash, coordinator];
const breakGlassReviewers: Role[] = [agencyAdmin, hubAdmin, auditor];
const workers: Role[] = [policeMash, socialMash, coordinator, missingLead, dutyManager, returnWorker, chair];
const allocators: Role[] = [policeMash, socialMash, coordinator, missingLead, dutyManager];
const intelViewers: Role[] = [policeMash, socialMash, coordinator, analyst, chair];
const intelRecorders: Role[] = [policeMash, socialMash, coordinator, missingLead, returnWorker, analyst];
const resolvers: Role[] = [policeMash, analyst];
const warningRecorders: Role[] = [policeMash, coordinator];
const advocacyRecorders: Role[] = [socialMash, missingLead];
const justiceViewers: Role[] = [policeMash, socialMash, coordinator, missingLead, dutyManager, returnWorker];
const justiceRecorders: Role[] = [policeMash, socialMash, coordinator, missingLead, returnWorker];
const homeViewers: Role[] = [policeMash, socialMash, coordinator, missingLead, homeStaff, analyst, hubAdmin];
const reportViewers: Role[] = [policeMash, socialMash, coordinator, missingLead, dutyManager, analyst, chair];
const reportDownloaders: Role[] = [policeMash, socialMash, coordinator, missingLead, analyst];
const tokenHolders: Role[] = [policeMash, socialMash, coordinator, missingLead, returnWorker, analyst];
const userManagers: Role[] = [agencyAdmin, hubAdmin];
const subgroupManagers: Role[] = [chair, hubAdmin];
const trainingViewers: Role[] = [socialMash, missingLead, analyst, chair, agencyAdmin, hubAdmin, reporter];
/** Training of an area as a whole: the local authority's own (all the demo's holders are Leeds's) and the hub. */
const trainingAreaViewers: Role[] = [socialMash, missingLead, analyst, chair, hubAdmin];
const trainingRecorders: Role[] = [agencyAdmin, reporter];

/** Intersections: a route needing a permission and a child the user may see. */
function withChildView(roles: Role[]): Role[] {
  return roles.filter((r) => childViewers.includes(r));
}

interface Group {
  /** What the routes are, in a few words. */
  what: string;
  record: RecordKind;
  /** The roles admitted, for a relationship that grants access. */
  roles: Role[];
  /** The relationships that grant access; by default the seven child bases, or own agency. */
  grantedBy?: Relationship[];
  /** Roles admitted whatever the relationship (the hub administrator, across agencies). */
  everywhere?: Role[];
  /** Further roles admitted for one relationship only. */
  also?: Partial<Record<Relationship, Role[]>>;
  /**
   * Set when the probes cannot yet build a record the route admits: only its refusals are probed
   * (refused roles, unrelated records, signed out), and the reason says why.
   */
  refusalsOnly?: string;
  routes: string[];
}

export const routeAccess: Group[] = [
  // Open to anyone, signed in or not.
  {
    what: 'public pages, assets, sign-in, sign-out, the sighting form and the API docs',
    record: 'public',
    roles: everyone,
    routes: [
      'GET /assets/*',
      'GET /accessibility',
      'GET /privacy',
      'GET /cookies',
      'GET /api/docs',
      'GET /api/docs/json',
      'GET /sign-in',
      'POST /sign-in',
      'POST /sign-out',
      'GET /signed-out',
      'GET /report',
      'POST /report',
      'GET /health',
    ],
  },
  {
    what: 'sign-in steps: only a session at that step',
    record: 'step',
    roles: [],
    routes: [
      'GET /sign-in/second-factor',
      'POST /sign-in/second-factor',
      'GET /sign-in/set-up-second-factor',
      'POST /sign-in/set-up-second-factor',
      'GET /sign-in/change-password',
      'POST /sign-in/change-password',
    ],
  },
  {
    what: 'the home page and the user’s own account',
    record: 'none',
    roles: everyone,
    routes: [
      'GET /',
      'GET /account',
      'GET /account/second-factor',
      'POST /account/second-factor',
      'GET /account/password',
      'POST /account/password',
      'GET /session/keep-alive',
      'GET /api/v1/me',
      'GET /subgroups',
    ],
  },
  {
    what: 'hotspot counts: those who work with children or intelligence',
    record: 'none',
    roles: [...childViewers, analyst, chair],
    routes: ['GET /intelligence/hotspots'],
  },
  {
    what: 'personal API tokens',
    record: 'none',
    roles: tokenHolders,
    routes: ['GET /account/api-tokens', 'POST /account/api-tokens'],
  },
  {
    what: 'revoking one of the user’s own tokens (own agency: the user’s own; unrelated: another’s)',
    record: 'agency',
    roles: tokenHolders,
    routes: ['POST /account/api-tokens/:id/revoke'],
  },
  // Administration.
  {
    what: 'user administration lists and forms',
    record: 'none',
    roles: userManagers,
    routes: ['GET /admin/users', 'GET /admin/users/new', 'POST /admin/users/new'],
  },
  {
    what: 'a user account: its agency’s administrators, the hub administrator for any agency',
    record: 'agency',
    roles: userManagers,
    everywhere: [hubAdmin],
    routes: [
      'GET /admin/users/:id',
      'GET /admin/users/:id/roles',
      'POST /admin/users/:id/roles',
      'POST /admin/users/:id/disable',
      'POST /admin/users/:id/enable',
      'POST /admin/users/:id/reset-second-factor',
      'POST /admin/users/:id/confirm-access',
      'POST /admin/users/:id/reset-password',
    ],
  },
  {
    what: 'moving a user to another agency',
    record: 'agency',
    roles: [hubAdmin],
    grantedBy: ['own agency', 'unrelated agency'],
    routes: ['GET /admin/users/:id/move', 'POST /admin/users/:id/move'],
  },
  {
    what: 'the agency list',
    record: 'none',
    roles: userManagers,
    routes: ['GET /admin/agencies'],
  },
  {
    what: 'adding an agency',
    record: 'none',
    roles: [hubAdmin],
    routes: ['GET /admin/agencies/new', 'POST /admin/agencies/new'],
  },
  {
    what: 'an agency, its out-of-hours cover and its teams',
    record: 'agency',
    roles: userManagers,
    everywhere: [hubAdmin],
    routes: [
      'GET /admin/agencies/:id',
      'POST /admin/agencies/:id/out-of-hours',
      'GET /admin/agencies/:id/teams',
      'POST /admin/agencies/:id/teams',
      'POST /admin/teams/:id/members',
    ],
  },
  {
    what: 'disabling and enabling an agency',
    record: 'agency',
    roles: [hubAdmin],
    grantedBy: ['own agency', 'unrelated agency'],
    routes: ['POST /admin/agencies/:id/disable', 'POST /admin/agencies/:id/enable'],
  },
  { what: 'the audit log', record: 'none', roles: [auditor], routes: ['GET /audit'] },
  {
    what: 'records due for a retention review: the agency’s administrators, the hub’s for every agency',
    record: 'none',
    roles: [agencyAdmin, hubAdmin],
    routes: ['GET /admin/retention', 'GET /api/v1/retention/reviews'],
  },
  {
    what: 'one record due for review, kept or disposed of',
    record: 'child',
    roles: [agencyAdmin, hubAdmin],
    refusalsOnly: 'the probes do not yet make records due for review',
    routes: [
      'GET /admin/retention/:type/:id',
      'POST /admin/retention/:type/:id/keep',
      'POST /admin/retention/:type/:id/dispose',
      'POST /admin/retention/:type/:id/dispose/confirm',
    ],
  },
  // Children.
  {
    what: 'lists of children and alerts',
    record: 'none',
    roles: childViewers,
    routes: [
      'GET /children/repeat-missing',
      'GET /children',
      'GET /alerts',
      'GET /api/v1/children',
      'GET /api/v1/screening-tool',
    ],
  },
  {
    what: 'recording a child',
    record: 'none',
    roles: childRecorders,
    routes: ['GET /children/new', 'POST /children/new', 'POST /api/v1/children'],
  },
  {
    what: 'a child’s record, chronology, profile, episodes and screenings',
    record: 'child',
    roles: childViewers,
    routes: [
      'GET /children/:id',
      'GET /children/:id/chronology',
      'POST /children/:id/case-notes',
      'GET /episodes/:id',
      'GET /children/:id/profile',
      'GET /children/:id/profile/print',
      'GET /children/:id/photos/:photoId',
      'GET /screenings/:id',
      'GET /api/v1/children/:id',
      'GET /api/v1/children/:id/screenings',
      'GET /api/v1/screenings/:id',
      'GET /api/v1/episodes/:id',
    ],
  },
  {
    what: 'an alert of the user’s agency',
    record: 'agency',
    roles: childViewers,
    routes: ['POST /alerts/:id/acknowledge'],
  },
  {
    what: 'correcting a child’s details',
    record: 'child',
    roles: childRecorders,
    routes: ['GET /children/:id/correct', 'POST /children/:id/correct'],
  },
  {
    what: 'the decision at 18, the subject access export, care episodes and placements: children’s services',
    record: 'child',
    roles: childrensServices,
    routes: [
      'GET /children/:id/at-18',
      'POST /children/:id/at-18',
      'GET /children/:id/subject-access',
      'GET /children/:id/subject-access.json',
      'GET /children/:id/care-episodes',
      'POST /children/:id/care-episodes',
      'GET /children/:id/care-episodes/:episodeId',
      'POST /children/:id/care-episodes/:episodeId/end',
      'POST /children/:id/care-episodes/:episodeId/error',
      'GET /children/:id/placements/new',
      'POST /children/:id/placements/new',
      'GET /children/:id/placements/:placementId/end',
      'POST /children/:id/placements/:placementId/end',
    ],
  },
  {
    what: 'reporting an episode, correcting it, closing it',
    record: 'child',
    roles: episodeReporters,
    routes: [
      'GET /children/:id/episodes/new',
      'POST /children/:id/episodes/new',
      'POST /episodes/:id/corrections',
      'POST /episodes/:id/entered-in-error',
      'POST /episodes/:id/close',
      'POST /api/v1/children/:id/episodes',
      'POST /api/v1/episodes/:id/close',
    ],
  },
  {
    what: 'grading an episode’s risk',
    record: 'child',
    roles: graders,
    routes: ['POST /episodes/:id/grade', 'POST /api/v1/episodes/:id/gradings'],
  },
  {
    what: 'the overdue risk reviews',
    record: 'none',
    roles: graders,
    routes: ['GET /episodes/reviews-overdue'],
  },
  {
    what: 'the return interviews list',
    record: 'none',
    roles: returnInterviewers,
    routes: ['GET /return-interviews'],
  },
  {
    what: 'a return interview',
    record: 'child',
    roles: returnInterviewers,
    routes: [
      'GET /return-interviews/:id',
      'POST /return-interviews/:id',
      'GET /api/v1/return-interviews/:id',
      'POST /api/v1/return-interviews/:id',
    ],
  },
  {
    what: 'telling the authorities of a concern',
    record: 'child',
    roles: [homeStaff],
    routes: ['GET /children/:id/concern', 'POST /children/:id/concern'],
  },
  {
    what: 'the Philomena profile forms',
    record: 'child',
    roles: profileEditors,
    routes: [
      'GET /children/:id/profile/details',
      'POST /children/:id/profile/details',
      'GET /children/:id/profile/:kind/new',
      'POST /children/:id/profile/:kind/new',
      'POST /children/:id/profile/entries/:entryId/remove',
      'GET /children/:id/profile/photo',
      'POST /children/:id/profile/photo',
    ],
  },
  {
    what: 'CSE screening of a child',
    record: 'child',
    roles: screeners,
    routes: [
      'GET /children/:id/screenings/new',
      'POST /children/:id/screenings/new',
      'POST /api/v1/children/:id/screenings',
    ],
  },
  {
    what: 'sharing a child’s record',
    record: 'child',
    roles: sharers,
    routes: [
      'GET /children/:id/shares/new',
      'POST /children/:id/shares/new',
      'POST /children/:id/shares/:shareId/end',
    ],
  },
  {
    what: 'break-glass',
    record: 'none',
    roles: breakGlassers,
    routes: ['GET /break-glass', 'POST /break-glass'],
  },
  {
    what: 'reviewing break-glass uses',
    record: 'none',
    roles: breakGlassReviewers,
    routes: ['GET /break-glass/review'],
  },
  {
    what: 'reviewing one break-glass use of the agency',
    record: 'agency',
    roles: breakGlassReviewers,
    routes: ['POST /break-glass/:id/review'],
  },
  // Homes.
  { what: 'the homes register', record: 'none', roles: homeViewers, routes: ['GET /homes'] },
  {
    what: 'a home: of the user’s area, or of the user’s own provider; any home for the hub administrator',
    record: 'agency',
    roles: homeViewers,
    everywhere: [hubAdmin],
    routes: ['GET /homes/:id'],
  },
  {
    what: 'importing the homes register',
    record: 'none',
    roles: [hubAdmin],
    routes: ['GET /homes/import', 'POST /homes/import'],
  },
  // Intelligence.
  {
    what: 'intelligence: entities, networks, evidence packs of entities, hotspot cells',
    record: 'none',
    roles: intelViewers,
    routes: [
      'GET /intelligence',
      'GET /intelligence/entities/:id',
      'GET /intelligence/hotspots/cells/:cell',
      'GET /intelligence/network/entity/:id',
      'GET /intelligence/networks',
      'POST /intelligence/networks',
      'GET /intelligence/evidence/entity/:id',
    ],
  },
  {
    what: 'intelligence about a child, its network, evidence pack and warning notices',
    record: 'child',
    roles: withChildView(intelViewers),
    routes: [
      'GET /children/:id/intelligence',
      'GET /intelligence/network/child/:id',
      'GET /intelligence/evidence/child/:id',
      'GET /children/:id/warning-notices',
      'GET /warning-notices/:id',
    ],
  },
  {
    what: 'recording intelligence about a child',
    record: 'child',
    roles: withChildView(intelRecorders),
    routes: ['GET /children/:id/intelligence/add', 'POST /children/:id/intelligence/add'],
  },
  {
    what: 'Child Abduction Warning Notices',
    record: 'child',
    roles: warningRecorders,
    routes: [
      'GET /children/:id/warning-notices/new',
      'POST /children/:id/warning-notices/new',
      'POST /warning-notices/:id/end',
    ],
  },
  {
    what: 'a pattern: intelligence, triage and subgroups see it',
    record: 'none',
    roles: [...intelViewers, hubAdmin],
    routes: ['GET /intelligence/patterns/:id'],
  },
  {
    what: 'closing a pattern: intelligence and triage',
    record: 'none',
    roles: intelViewers,
    routes: ['POST /intelligence/patterns/:id/close'],
  },
  {
    what: 'resolving duplicates',
    record: 'none',
    roles: resolvers,
    routes: [
      'GET /intelligence/resolution',
      'GET /intelligence/resolution/:id',
      'POST /intelligence/resolution/:id/decision',
      'POST /intelligence/merges/:id/undo',
    ],
  },
  // Reports.
  {
    what: 'reports of the user’s area',
    record: 'none',
    roles: reportViewers,
    routes: ['GET /reports', 'GET /reports/dashboard', 'GET /reports/annual'],
  },
  {
    what: 'Annex A of the user’s local authority',
    record: 'none',
    roles: [socialMash, missingLead, analyst, chair],
    routes: ['GET /reports/annex-a'],
  },
  {
    what: 'Annex A downloads',
    record: 'none',
    roles: [socialMash, missingLead, analyst],
    routes: ['GET /reports/annex-a.csv', 'GET /api/v1/reports/annex-a'],
  },
  {
    what: 'report downloads',
    record: 'none',
    roles: reportDownloaders,
    routes: [
      'GET /reports/annual/download.:format',
      'GET /api/v1/reports/annual',
      'GET /api/v1/reports/advocacy',
    ],
  },
  {
    what: 'the SSDA903 return',
    record: 'none',
    roles: [missingLead],
    routes: ['GET /reports/ssda903', 'GET /reports/ssda903/:table', 'GET /api/v1/reports/ssda903/:table'],
  },
  {
    what: 'importing police reports',
    record: 'none',
    roles: [coordinator],
    routes: [
      'GET /reports/imports',
      'POST /reports/imports',
      'POST /reports/imports/check',
      'POST /reports/imports/confirm',
    ],
  },
  {
    what: 'row-level data',
    record: 'none',
    roles: [analyst],
    routes: ['GET /reports/rows', 'GET /reports/rows/download'],
  },
  // The MASH.
  {
    what: 'raising a notice',
    record: 'none',
    roles: noticeRaisers,
    routes: ['GET /notices/new', 'POST /notices/new', 'POST /api/v1/notices'],
  },
  {
    what: 'the MASH queues',
    record: 'none',
    roles: mashTriagers,
    routes: ['GET /mash', 'GET /mash/sightings', 'GET /api/v1/notices', 'GET /api/v1/sightings'],
  },
  {
    what: 'a notice, its attachments and strategy discussions: the area’s MASH, the raiser, the responsible authority',
    record: 'notice',
    roles: [...childRecorders, dutyManager],
    grantedBy: ['own agency'],
    also: { 'report-only': childViewers, 'placing authority': childrensServices },
    routes: [
      'GET /notices/:id',
      'GET /notices/:id/attachments/:attachmentId',
      'GET /strategy-discussions/:id',
      'GET /api/v1/notices/:id',
    ],
  },
  {
    what: 'triaging a notice: the area’s MASH',
    record: 'notice',
    roles: mashTriagers,
    grantedBy: ['own agency'],
    routes: [
      'POST /notices/:id/priority',
      'POST /notices/:id/information',
      'POST /notices/:id/decision',
      'POST /notices/:id/confirm',
      'GET /notices/:id/strategy-discussions/new',
      'POST /notices/:id/strategy-discussions/new',
      'POST /strategy-discussions/:id/record',
      'POST /strategy-discussions/:id/actions',
      'POST /strategy-discussions/:id/actions/:actionId/done',
      'POST /api/v1/notices/:id/priority',
      'POST /api/v1/notices/:id/information',
      'POST /api/v1/notices/:id/decisions',
      'POST /api/v1/notices/:id/decisions/confirm',
    ],
  },
  {
    what: 'the list of areas’ thresholds and deadlines',
    record: 'none',
    roles: [hubAdmin],
    routes: ['GET /admin/thresholds'],
  },
  {
    what: 'an area’s thresholds',
    record: 'agency',
    roles: [hubAdmin],
    everywhere: [hubAdmin],
    routes: [
      'GET /admin/thresholds/:area',
      'POST /admin/thresholds/:area/outcomes',
      'POST /admin/thresholds/:area/outcomes/:code/remove',
      'POST /admin/thresholds/:area/deadlines',
    ],
  },
  // Sightings.
  {
    what: 'sighting codes of the report-only organisation',
    record: 'none',
    roles: [reporter],
    routes: ['GET /sighting-codes', 'POST /sighting-codes'],
  },
  {
    what: 'revoking a sighting code of the organisation',
    record: 'agency',
    roles: [reporter],
    routes: ['POST /sighting-codes/:id/revoke'],
  },
  {
    what: 'a sighting of the area (own agency: seen in the user’s area)',
    record: 'agency',
    roles: mashTriagers,
    routes: [
      'GET /sightings/:id',
      'POST /sightings/:id/link',
      'POST /sightings/:id/keep',
      'GET /api/v1/sightings/:id',
      'POST /api/v1/sightings/:id/link',
      'POST /api/v1/sightings/:id/keep',
    ],
  },
  // Justice cases: their own permissions, and the child.
  {
    what: 'a child’s justice cases and support reviews',
    record: 'child',
    roles: justiceViewers,
    routes: [
      'GET /children/:id/justice',
      'GET /justice-cases/:id',
      'GET /support-reviews/:id',
      'GET /api/v1/children/:id/justice-cases',
      'GET /api/v1/justice-cases/:id',
    ],
  },
  {
    what: 'the open justice cases of the children one may see, and those without contact',
    record: 'none',
    roles: justiceViewers,
    routes: ['GET /justice-cases'],
  },
  {
    what: 'recording justice cases, their status, statements, special measures, contacts and support reviews',
    record: 'child',
    roles: justiceRecorders,
    routes: [
      'GET /children/:id/justice/new',
      'POST /children/:id/justice/new',
      'GET /justice-cases/:id/status',
      'POST /justice-cases/:id/status',
      'GET /justice-cases/:id/statements',
      'POST /justice-cases/:id/statements',
      'GET /justice-cases/:id/special-measures',
      'POST /justice-cases/:id/special-measures',
      'GET /justice-cases/:id/special-measures/decision',
      'POST /justice-cases/:id/special-measures/decision',
      'GET /justice-cases/:id/contacts',
      'POST /justice-cases/:id/contacts',
      'GET /justice-cases/:id/supporter',
      'POST /justice-cases/:id/supporter',
      'GET /justice-cases/:id/entered-in-error',
      'POST /justice-cases/:id/entered-in-error',
      'POST /support-reviews/:id',
      'POST /api/v1/children/:id/justice-cases',
      'POST /api/v1/justice-cases/:id/statuses',
      'POST /api/v1/justice-cases/:id/contacts',
      'POST /api/v1/justice-cases/:id/statements',
      'POST /api/v1/justice-cases/:id/special-measures',
      'POST /api/v1/justice-cases/:id/special-measure-decisions',
      'POST /api/v1/support-reviews/:id/completion',
    ],
  },
  {
    what: 'naming a person of concern in a justice case: intelligence as well',
    record: 'child',
    roles: justiceRecorders.filter((r) => intelViewers.includes(r)),
    routes: ['GET /justice-cases/:id/persons', 'POST /justice-cases/:id/persons'],
  },
  // Independent advocacy: follows the child; recording needs its own permission.
  {
    what: 'a child’s advocacy for care reviews and placement planning meetings',
    record: 'child',
    roles: childViewers,
    routes: [
      'GET /children/:id/advocacy',
      'GET /advocacy/:id',
      'GET /api/v1/children/:id/advocacy-meetings',
      'GET /api/v1/advocacy-meetings/:id',
    ],
  },
  {
    what: 'recording and updating advocacy for a child’s meetings',
    record: 'child',
    roles: advocacyRecorders,
    routes: [
      'GET /children/:id/advocacy/new',
      'POST /children/:id/advocacy/new',
      'GET /advocacy/:id/edit',
      'POST /advocacy/:id/edit',
      'POST /advocacy/:id/entered-in-error',
      'POST /api/v1/children/:id/advocacy-meetings',
      'PATCH /api/v1/advocacy-meetings/:id',
      'POST /api/v1/advocacy-meetings/:id/entered-in-error',
    ],
  },
  // Training on the warning signs.
  {
    what: 'the organisation’s training, the report of the area and the courses (API)',
    record: 'none',
    roles: trainingViewers,
    routes: ['GET /training', 'GET /api/v1/training/courses', 'GET /api/v1/training/staff'],
  },
  {
    what: 'the training report of an area: the authority’s own (the user’s area by default), any for the hub administrator',
    record: 'none',
    roles: trainingAreaViewers,
    routes: ['GET /training/report', 'GET /api/v1/training/report'],
  },
  {
    what: 'an organisation’s training and a staff member: of the user’s own organisation or its authority’s area; any for the hub administrator',
    record: 'agency',
    roles: trainingViewers,
    everywhere: [hubAdmin],
    routes: ['GET /training/organisations/:id', 'GET /training/staff/:id', 'GET /api/v1/training/staff/:id'],
  },
  {
    what: 'adding staff and importing attendance for the user’s own organisation',
    record: 'none',
    roles: trainingRecorders,
    routes: [
      'GET /training/staff/new',
      'POST /training/staff/new',
      'GET /training/import',
      'POST /training/import',
      'POST /api/v1/training/staff',
    ],
  },
  {
    what: 'recording training of a staff member of the user’s own organisation, their leaving, and corrections',
    record: 'agency',
    roles: trainingRecorders,
    routes: [
      'POST /training/staff/:id/records',
      'POST /training/staff/:id/leave',
      'GET /training/records/:id/error',
      'POST /training/records/:id/error',
      'POST /api/v1/training/staff/:id/records',
    ],
  },
  {
    what: 'the training courses',
    record: 'none',
    roles: [hubAdmin],
    routes: [
      'GET /admin/training/courses',
      'POST /admin/training/courses',
      'GET /admin/training/courses/:id',
      'POST /admin/training/courses/:id',
    ],
  },
  // Work and allocation.
  {
    what: 'my work and the queues',
    record: 'none',
    roles: workers,
    routes: ['GET /work', 'GET /work/unallocated'],
  },
  { what: 'a team’s queue', record: 'agency', roles: workers, routes: ['GET /work/teams/:id'] },
  {
    what: 'a child’s allocation',
    record: 'child',
    roles: withChildView(workers),
    routes: ['GET /allocations/:type/:id', 'POST /allocations/:type/:id/take'],
  },
  {
    what: 'allocating a child’s work',
    record: 'child',
    roles: allocators,
    routes: ['POST /allocations/:type/:id'],
  },
  // Subgroups.
  {
    what: 'a new subgroup',
    record: 'none',
    roles: subgroupManagers,
    routes: ['GET /subgroups/new', 'POST /subgroups/new'],
  },
  {
    what: 'a subgroup of the user’s area, its meetings and actions; any subgroup for the hub administrator',
    record: 'agency',
    roles: subgroupManagers,
    everywhere: [hubAdmin],
    routes: [
      'GET /subgroups/:id',
      'POST /subgroups/:id/members',
      'POST /subgroups/:id/members/:userId/remove',
      'POST /subgroups/:id/meetings',
      'GET /subgroup-meetings/:id',
      'GET /subgroup-meetings/:id/print',
      'POST /subgroup-meetings/:id/agenda',
      'POST /subgroup-meetings/:id/minutes',
      'POST /subgroup-meetings/:id/actions',
      'POST /subgroup-meetings/:id/actions/:actionId/done',
    ],
  },
];

export interface AccessRow {
  route: RegisteredRoute;
  record: RecordKind;
  /** Null when signed out. */
  role: Role | null;
  relationship: Relationship;
  /** For a signed-out probe: the relationship whose fixture fills the route's parameters. */
  signedOutAs: Relationship;
  allow: boolean;
}

export function routeKey(route: { method: string; url: string }): string {
  return `${route.method} ${route.url}`;
}

/** How many roles each record route is probed with for every relationship beyond the first. */
export const sampledRoles = 1;

/** The roles a group admits for one relationship. */
function admitted(group: Group, relationship: Relationship): Role[] {
  const grantedBy =
    group.grantedBy ?? (group.record === 'child' ? childGrants : (['own agency', 'none'] as Relationship[]));
  return everyone.filter(
    (role) =>
      (group.roles.includes(role) && grantedBy.includes(relationship)) ||
      (group.everywhere ?? []).includes(role) ||
      (group.also?.[relationship] ?? []).includes(role),
  );
}

/**
 * Up to `sampledRoles` roles for a relationship beyond the first: from the two ends of those it
 * admits, else of those the route admits at all, else one refused role.
 */
function samples(group: Group, relationship: Relationship): Role[] {
  const pool = admitted(group, relationship);
  const from = pool.length ? pool : group.roles.length ? group.roles : [policeMash];
  const first = from[0] as Role;
  const last = from[from.length - 1] as Role;
  return (first === last ? [first] : [first, last]).slice(0, sampledRoles);
}

/**
 * Expands the table over the routes Fastify registered: every route × every role for the route's
 * first relationship, every other relationship for the sampled roles, and signed out once.
 */
export function expandRoutes(routes: RegisteredRoute[]): {
  rows: AccessRow[];
  missing: string[];
  stale: string[];
} {
  const byKey = new Map<string, Group>();
  for (const group of routeAccess) {
    for (const key of group.routes) {
      if (byKey.has(key)) throw new Error(`${key} has two rows in route-access.ts`);
      byKey.set(key, group);
    }
  }
  const registered = new Set(routes.map(routeKey));
  const stale = [...byKey.keys()].filter((k) => !registered.has(k));
  const missing: string[] = [];
  const rows: AccessRow[] = [];
  for (const route of routes) {
    const group = byKey.get(routeKey(route));
    if (!group) {
      missing.push(routeKey(route));
      continue;
    }
    const relationships = recordRelationships(group.record);
    const first = relationships[0] as Relationship;
    const record = group.record;
    const allows = (role: Role, relationship: Relationship) =>
      record === 'step' ? relationship === 'sign-in step' : admitted(group, relationship).includes(role);
    const add = (role: Role, relationship: Relationship) => {
      const allow = allows(role, relationship);
      if (allow && group.refusalsOnly) return;
      rows.push({ route, record, role, relationship, signedOutAs: first, allow });
    };
    for (const role of everyone) add(role, first);
    for (const relationship of relationships.slice(1)) {
      for (const role of record === 'step' ? [analyst] : samples(group, relationship))
        add(role, relationship);
    }
    rows.push({
      route,
      record,
      role: null,
      relationship: 'signed out',
      signedOutAs: first,
      allow: record === 'public',
    });
  }
  return { rows, missing, stale };
}
