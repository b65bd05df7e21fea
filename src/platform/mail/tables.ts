import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Mail already sent, by idempotency key: a mail job that runs twice sends once. */
export const sentMail = pgTable('sent_mail', {
  key: text('key').primaryKey(),
  messageId: text('message_id').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
});
