ALTER TABLE "child" ADD COLUMN "record_status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "record_decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "record_decided_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "handed_over_to" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "record_decision_note" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "turning_18_alerted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "turned_18_alerted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_record_decided_by_user_id_app_user_id_fk" FOREIGN KEY ("record_decided_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_record_status_known" CHECK ("child"."record_status" in ('open', 'handed_over', 'closed'));--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_record_decision" CHECK (("child"."record_status" = 'open') = ("child"."record_decided_at" is null) and ("child"."record_status" = 'open' or ("child"."record_decided_by_user_id" is not null and "child"."record_decision_note" is not null)));--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_handed_over_to" CHECK ("child"."record_status" <> 'handed_over' or "child"."handed_over_to" is not null);