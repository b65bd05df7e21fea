ALTER TABLE "agency" ADD COLUMN "out_of_hours_email" text;--> statement-breakpoint
ALTER TABLE "alert" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert" ADD COLUMN "last_escalated_at" timestamp with time zone;