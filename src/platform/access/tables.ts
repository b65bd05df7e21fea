import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agency } from '../agencies/tables';

/** A child known to the hub. Features add their own tables around it; this is the anchor of access. */
export const child = pgTable('child', {
  id: uuid('id').primaryKey().defaultRandom(),
  givenName: text('given_name').notNull(),
  familyName: text('family_name').notNull(),
  dateOfBirth: text('date_of_birth'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const accessBases = [
  'creator',
  'placing_authority',
  'host_authority',
  'home',
  'host_force',
  'episode_force',
  'case_team',
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
    /** The record that created the basis (placement, episode, share …). */
    sourceId: uuid('source_id'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    index('child_access_lookup_idx').on(t.agencyId, t.childId),
    index('child_access_child_idx').on(t.childId),
    check(
      'child_access_basis_known',
      sql`${t.basis} in (${sql.raw(accessBases.map((b) => `'${b}'`).join(', '))})`,
    ),
    check('child_access_period', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);
