import { sql } from 'drizzle-orm';
import {
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import { sqlList } from '../../platform/db/sql-list';
import { location } from '../locations/tables';

export const entityKinds = ['person', 'location', 'vehicle', 'phone', 'account'] as const;
export type EntityKind = (typeof entityKinds)[number];

export const placeTypes = [
  'address',
  'hotel',
  'park',
  'bus_station',
  'rail_station',
  'takeaway',
  'car_park',
  'shop',
  'other',
] as const;
export type PlaceType = (typeof placeTypes)[number];

/**
 * Something intelligence is about: a person of concern, a place, a vehicle, a phone or an online
 * account. One table with the columns of each kind, so that links, networks and resolution treat
 * every kind alike; the normalised columns are what matching compares.
 */
export const intelEntity = pgTable(
  'intel_entity',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: entityKinds }).notNull(),
    /** How the entity is shown: a name, a place, a registration, a number, a handle. */
    label: text('label').notNull(),
    // A person of concern.
    givenName: text('given_name'),
    familyName: text('family_name'),
    aliases: text('aliases').array(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    /** When the date of birth is not known: the age the person seemed, on `createdAt`. */
    approximateAge: integer('approximate_age'),
    description: text('description'),
    /** Double Metaphone codes of every name and alias, for finding candidates. */
    nameCodes: text('name_codes').array(),
    // A place: the location row holds its name, postcode and coordinates.
    locationId: uuid('location_id').references(() => location.id),
    placeType: text('place_type', { enum: placeTypes }),
    // A vehicle.
    /** Upper case without spaces, as the police national computer writes it. */
    registration: text('registration'),
    /** The registration with the common misreadings folded (O as 0, I as 1): what matching compares. */
    registrationKey: text('registration_key'),
    /** Set when some characters were not read: `?` stands for each. */
    registrationPartial: text('registration_partial'),
    make: text('make'),
    model: text('model'),
    colour: text('colour'),
    // A phone.
    phoneE164: text('phone_e164'),
    // An online account.
    platform: text('platform'),
    handle: text('handle'),
    /** Lower case, without a leading @. */
    handleKey: text('handle_key'),
    createdByUserId: uuid('created_by_user_id').references(() => appUser.id),
    createdByAgencyId: uuid('created_by_agency_id')
      .notNull()
      .references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Set while the entity is merged into another; undoing the merge clears it. */
    mergedIntoId: uuid('merged_into_id'),
  },
  (t) => [
    check('intel_entity_kind', sql`${t.kind} in (${sqlList(entityKinds)})`),
    check(
      'intel_entity_place_type',
      sql`${t.placeType} is null or ${t.placeType} in (${sqlList(placeTypes)})`,
    ),
    index('intel_entity_kind_idx').on(t.kind, t.label),
    index('intel_entity_registration_idx').on(t.registrationKey),
    index('intel_entity_phone_idx').on(t.phoneE164),
    index('intel_entity_handle_idx').on(t.platform, t.handleKey),
    index('intel_entity_location_idx').on(t.locationId),
    index('intel_entity_name_codes_idx').using('gin', t.nameCodes),
    index('intel_entity_merged_idx').on(t.mergedIntoId),
  ],
);

export const linkTypes = [
  'found_at',
  'went_missing_from',
  'seen_with',
  'associates_with',
  'lives_at',
  'uses',
  'travelled_in',
  'contacted_by',
] as const;
export type LinkType = (typeof linkTypes)[number];

export const linkSources = ['episode', 'return_interview', 'sighting', 'notice', 'log'] as const;
export type LinkSource = (typeof linkSources)[number];

/** 3x5x2: source evaluation, intelligence assessment, handling code (standards.md). */
export const sourceGrades = ['1', '2', '3'] as const;
export const informationGrades = ['A', 'B', 'C', 'D', 'E'] as const;
export const handlingCodes = ['P', 'C'] as const;

/**
 * A dated, graded link from a child or an entity to an entity, taken from a source record. Links
 * are never edited: a wrong one is entered in error, with a reason.
 */
export const intelLink = pgTable(
  'intel_link',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A child–entity link; otherwise `fromEntityId` is set. */
    childId: uuid('child_id').references(() => child.id),
    fromEntityId: uuid('from_entity_id').references(() => intelEntity.id),
    entityId: uuid('entity_id')
      .notNull()
      .references(() => intelEntity.id),
    type: text('type', { enum: linkTypes }).notNull(),
    /** When what the link records happened (or began). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    sourceType: text('source_type', { enum: linkSources }).notNull(),
    sourceId: uuid('source_id').notNull(),
    sourceGrade: text('source_grade', { enum: sourceGrades }).notNull(),
    informationGrade: text('information_grade', { enum: informationGrades }).notNull(),
    handlingCode: text('handling_code', { enum: handlingCodes }).notNull(),
    handlingConditions: text('handling_conditions'),
    authorUserId: uuid('author_user_id').references(() => appUser.id),
    authorAgencyId: uuid('author_agency_id')
      .notNull()
      .references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    enteredInErrorAt: timestamp('entered_in_error_at', { withTimezone: true }),
    enteredInErrorReason: text('entered_in_error_reason'),
  },
  (t) => [
    check('intel_link_one_from', sql`(${t.childId} is null) <> (${t.fromEntityId} is null)`),
    check('intel_link_type', sql`${t.type} in (${sqlList(linkTypes)})`),
    check('intel_link_source', sql`${t.sourceType} in (${sqlList(linkSources)})`),
    check('intel_link_source_grade', sql`${t.sourceGrade} in (${sqlList(sourceGrades)})`),
    check('intel_link_information_grade', sql`${t.informationGrade} in (${sqlList(informationGrades)})`),
    check('intel_link_handling', sql`${t.handlingCode} in (${sqlList(handlingCodes)})`),
    check(
      'intel_link_conditions',
      sql`${t.handlingCode} <> 'C' or coalesce(length(trim(${t.handlingConditions})), 0) > 0`,
    ),
    index('intel_link_child_idx').on(t.childId, t.occurredAt),
    index('intel_link_entity_idx').on(t.entityId, t.occurredAt),
    index('intel_link_from_idx').on(t.fromEntityId),
    index('intel_link_source_idx').on(t.sourceType, t.sourceId),
  ],
);

/** An intelligence log entry: a source of links that is not another record (a call, a report). */
export const intelLog = pgTable(
  'intel_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id').references(() => child.id),
    summary: text('summary').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    authorUserId: uuid('author_user_id').references(() => appUser.id),
    authorAgencyId: uuid('author_agency_id')
      .notNull()
      .references(() => agency.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('intel_log_child_idx').on(t.childId)],
);

export const candidateStatuses = ['open', 'match', 'not_match', 'unsure'] as const;

/**
 * A pair of entities that may be the same, with the score and the reasons for it. A person decides;
 * nothing merges by itself. The pair is stored with the smaller id first, once.
 */
export const intelCandidate = pgTable(
  'intel_candidate',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entityA: uuid('entity_a')
      .notNull()
      .references(() => intelEntity.id),
    entityB: uuid('entity_b')
      .notNull()
      .references(() => intelEntity.id),
    score: doublePrecision('score').notNull(),
    /** Each reason with its weight: `[{ "reason": "...", "weight": 0.4 }]`. */
    reasons: jsonb('reasons').notNull(),
    status: text('status', { enum: candidateStatuses }).notNull(),
    foundAt: timestamp('found_at', { withTimezone: true }).notNull(),
    decidedByUserId: uuid('decided_by_user_id').references(() => appUser.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    check('intel_candidate_order', sql`${t.entityA} < ${t.entityB}`),
    check('intel_candidate_status', sql`${t.status} in (${sqlList(candidateStatuses)})`),
    uniqueIndex('intel_candidate_pair_idx').on(t.entityA, t.entityB),
    index('intel_candidate_status_idx').on(t.status, t.score),
  ],
);

/**
 * A merge of one entity into another. The merged entity's links are moved to the survivor and
 * listed here, so that undoing the merge moves exactly those back.
 */
export const intelMerge = pgTable(
  'intel_merge',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    survivorId: uuid('survivor_id')
      .notNull()
      .references(() => intelEntity.id),
    mergedId: uuid('merged_id')
      .notNull()
      .references(() => intelEntity.id),
    candidateId: uuid('candidate_id').references(() => intelCandidate.id),
    movedLinkIds: uuid('moved_link_ids').array().notNull(),
    movedFromLinkIds: uuid('moved_from_link_ids').array().notNull(),
    mergedByUserId: uuid('merged_by_user_id')
      .notNull()
      .references(() => appUser.id),
    mergedAt: timestamp('merged_at', { withTimezone: true }).notNull(),
    undoneByUserId: uuid('undone_by_user_id').references(() => appUser.id),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [index('intel_merge_merged_idx').on(t.mergedId), index('intel_merge_survivor_idx').on(t.survivorId)],
);

/**
 * A pattern: one location, adult, vehicle or phone linked to several children within a window.
 * One row per entity and window start; later children add evidence to it rather than raising
 * another.
 */
export const intelPattern = pgTable(
  'intel_pattern',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entityId: uuid('entity_id')
      .notNull()
      .references(() => intelEntity.id),
    /** The area whose MASH and subgroup the pattern goes to. */
    areaAuthorityCode: text('area_authority_code').references(() => localAuthority.code),
    windowDays: integer('window_days').notNull(),
    threshold: integer('threshold').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('intel_pattern_open_idx').on(t.entityId).where(sql`${t.closedAt} is null`),
    index('intel_pattern_area_idx').on(t.areaAuthorityCode),
  ],
);

/** A link that is evidence of a pattern: the child, and the record the link came from. */
export const intelPatternEvidence = pgTable(
  'intel_pattern_evidence',
  {
    patternId: uuid('pattern_id')
      .notNull()
      .references(() => intelPattern.id),
    linkId: uuid('link_id')
      .notNull()
      .references(() => intelLink.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('intel_pattern_evidence_idx').on(t.patternId, t.linkId),
    index('intel_pattern_evidence_child_idx').on(t.childId),
  ],
);

/**
 * A Child Abduction Warning Notice served on a person of concern about a child (standards.md):
 * who served it and when, its terms and its review date.
 */
export const warningNotice = pgTable(
  'warning_notice',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => intelEntity.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    servedByUserId: uuid('served_by_user_id').references(() => appUser.id),
    servedByAgencyId: uuid('served_by_agency_id')
      .notNull()
      .references(() => agency.id),
    servedOn: date('served_on', { mode: 'string' }).notNull(),
    terms: text('terms').notNull(),
    reviewOn: date('review_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedReason: text('ended_reason'),
  },
  (t) => [index('warning_notice_child_idx').on(t.childId), index('warning_notice_person_idx').on(t.personId)],
);

/** A breach of a warning notice: the child found with, or seen with, the person it names. */
export const warningNoticeBreach = pgTable(
  'warning_notice_breach',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => warningNotice.id),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The link that shows it. */
    linkId: uuid('link_id').references(() => intelLink.id),
    sourceType: text('source_type', { enum: linkSources }).notNull(),
    sourceId: uuid('source_id').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('warning_notice_breach_notice_idx').on(t.noticeId),
    uniqueIndex('warning_notice_breach_link_idx').on(t.noticeId, t.linkId),
  ],
);

/**
 * The stored result of analysing an area's network (a job): sizes, components, communities and
 * rankings, as entity and child ids with scores. Never names.
 */
export const intelNetworkRun = pgTable(
  'intel_network_run',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    areaAuthorityCode: text('area_authority_code').references(() => localAuthority.code),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull(),
    nodes: integer('nodes').notNull(),
    edges: integer('edges').notNull(),
    result: jsonb('result').notNull(),
    millis: integer('millis').notNull(),
  },
  (t) => [index('intel_network_run_area_idx').on(t.areaAuthorityCode, t.builtAt)],
);
