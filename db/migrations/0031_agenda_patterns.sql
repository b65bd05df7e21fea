ALTER TABLE "agenda_item" DROP CONSTRAINT "agenda_item_kind";--> statement-breakpoint
ALTER TABLE "agenda_item" ADD COLUMN "pattern_id" uuid;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_kind" CHECK ("agenda_item"."kind" in ('repeat_missing', 'repeat_absence', 'return_interview_overdue', 'screening', 'strategy_discussion', 'intelligence_pattern'));