import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Request counters for rate limiting, shared by every process (nothing is kept in process memory). */
export const rateLimit = pgTable('rate_limit', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
});
