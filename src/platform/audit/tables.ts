import { bigint, bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit log. Insert-only for the application: a trigger refuses DELETE and any UPDATE except the
 * sealer's one-time setting of `chain_pos`, `prev_hash` and `hash`. Opaque ids and codes only; free text lives in
 * `audit_reason`, so a reason can be disposed of without breaking the chain.
 */
export const auditEvent = pgTable(
  'audit_event',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().defaultRandom().unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    actorUserId: uuid('actor_user_id'),
    actorAgencyId: uuid('actor_agency_id'),
    /** The API token or client the actor used, when not a browser session. */
    actorCredentialId: uuid('actor_credential_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    childId: uuid('child_id'),
    reasonId: uuid('reason_id'),
    requestId: text('request_id'),
    /** Position in the hash chain, given by the sealer in the order it seals (commit order, not seq). */
    chainPos: bigint('chain_pos', { mode: 'number' }).unique(),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_event_actor_idx').on(t.actorUserId, t.seq),
    index('audit_event_subject_idx').on(t.subjectType, t.subjectId),
    index('audit_event_child_idx').on(t.childId),
    index('audit_event_occurred_idx').on(t.occurredAt),
  ],
);

export const auditReason = pgTable('audit_reason', {
  id: uuid('id').primaryKey().defaultRandom(),
  text: text('text').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * The head of the chain after each sealing, insert-only like the log (a trigger refuses UPDATE,
 * DELETE and TRUNCATE). The log alone cannot show that rows were cut from its end; the last head
 * recorded here can.
 */
export const auditSeal = pgTable('audit_seal', {
  chainPos: bigint('chain_pos', { mode: 'number' }).primaryKey(),
  hash: text('hash').notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull(),
});
