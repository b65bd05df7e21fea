import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { agency, localAuthority } from '../agencies/tables';
import { appUser } from '../auth/tables';
import { sqlList } from '../db/sql-list';

export const recordStatuses = ['open', 'handed_over', 'closed'] as const;
export type RecordStatus = (typeof recordStatuses)[number];

/**
 * A child known to the hub: the anchor of access. Features add their own tables around it. Codes
 * are SSDA903's (sex, ethnicity, legal status); the identifiers are each agency's own.
 */
export const child = pgTable(
  'child',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    sex: text('sex'),
    ethnicity: text('ethnicity'),
    lookedAfter: boolean('looked_after').notNull().default(false),
    legalStatus: text('legal_status'),
    /** The placing (responsible) local authority of a looked-after child. */
    responsibleAuthorityCode: text('responsible_authority_code').references(() => localAuthority.code),
    /** Unique pupil number, or UN1–UN5 for why there is none. */
    upn: text('upn'),
    localAuthorityChildId: text('la_child_id'),
    policePersonId: text('police_person_id'),
    homePostcode: text('home_postcode'),
    /** SSDA903 MOTHER and MC_DOB: whether the child is a mother, and her child's date of birth. */
    mother: boolean('mother'),
    motherChildDateOfBirth: date('mother_child_date_of_birth', { mode: 'string' }),
    homeAddress: text('home_address'),
    /** Where the child's home is (WGS84), for the distance of a placement from it. */
    homeLatitude: doublePrecision('home_latitude'),
    homeLongitude: doublePrecision('home_longitude'),
    createdByAgencyId: uuid('created_by_agency_id').references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Open while the hub works with the child; at 18 the authority hands the record over or closes it. */
    recordStatus: text('record_status', { enum: recordStatuses }).notNull().default('open'),
    recordDecidedAt: timestamp('record_decided_at', { withTimezone: true }),
    recordDecidedByUserId: uuid('record_decided_by_user_id').references(() => appUser.id),
    /** The team or service that takes the young person on: leaving care, adult services … */
    handedOverTo: text('handed_over_to'),
    /** The decision's note: what was handed over, or why the record is closed. */
    recordDecisionNote: text('record_decision_note'),
    /** When the responsible authority was told the decision is due: 28 days before 18, and on the day. */
    turning18AlertedAt: timestamp('turning_18_alerted_at', { withTimezone: true }),
    turned18AlertedAt: timestamp('turned_18_alerted_at', { withTimezone: true }),
  },
  (t) => [
    check('child_sex_code', sql`${t.sex} is null or ${t.sex} in ('M', 'F', 'U')`),
    check('child_record_status_known', sql`${t.recordStatus} in ('open', 'handed_over', 'closed')`),
    // A decision says when, by whom and why; an open record has none.
    check(
      'child_record_decision',
      sql`(${t.recordStatus} = 'open') = (${t.recordDecidedAt} is null) and (${t.recordStatus} = 'open' or (${t.recordDecidedByUserId} is not null and ${t.recordDecisionNote} is not null))`,
    ),
    check('child_handed_over_to', sql`${t.recordStatus} <> 'handed_over' or ${t.handedOverTo} is not null`),
    check('child_upn_form', sql`${t.upn} is null or ${t.upn} ~ '^([A-Z][0-9]{11}[0-9A-Z]|UN[1-5])$'`),
    index('child_dob_idx').on(t.dateOfBirth),
    index('child_responsible_idx').on(t.responsibleAuthorityCode),
    // The list of children, in name order, a page at a time.
    index('child_name_order_idx').on(t.familyName, t.givenName, t.id),
    index('child_upn_idx').on(t.upn),
    index('child_la_id_idx').on(t.localAuthorityChildId),
    index('child_police_id_idx').on(t.policePersonId),
  ],
);

export const accessBases = [
  'creator',
  'placing_authority',
  'host_authority',
  'home',
  'host_force',
  'episode_force',
  'case_team',
  'notice',
  'share',
  'subgroup',
  'break_glass',
] as const;
export type AccessBasis = (typeof accessBases)[number];

/** The single source of who may see a child: one row per agency and basis (DESIGN §5). */
export const childAccess = pgTable(
  'child_access',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agency.id),
    basis: text('basis', { enum: accessBases }).notNull(),
    /** Set when access is for one person only (a subgroup member for a meeting), not the whole agency. */
    userId: uuid('user_id').references(() => appUser.id),
    /** The record that created the basis (placement, episode, share …). */
    sourceId: uuid('source_id'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    index('child_access_lookup_idx').on(t.agencyId, t.childId),
    index('child_access_child_idx').on(t.childId),
    check('child_access_basis_known', sql`${t.basis} in (${sqlList(accessBases)})`),
    // Equal ends a grant the instant it began: a row that was never in force.
    check('child_access_period', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);
