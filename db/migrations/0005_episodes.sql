CREATE TABLE "episode" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"reported_by_user_id" uuid,
	"reported_by_agency_id" uuid NOT NULL,
	"last_seen_location" text,
	"last_seen_postcode" text,
	"circumstances" text,
	"clothing" text,
	"possibly_with" text,
	"police_reference" text,
	"police_force_code" text,
	"searched_before_reporting" boolean,
	"called_child" boolean,
	"contacted_friends_family" boolean,
	"ended_at" timestamp with time zone,
	"found_location" text,
	"found_with" text,
	"returned_to" text,
	"prevention_interview_at" timestamp with time zone,
	"prevention_interview_notes" text,
	"closed_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "episode_kind_known" CHECK ("episode"."kind" in ('missing', 'absent')),
	CONSTRAINT "episode_ends_after_start" CHECK ("episode"."ended_at" is null or "episode"."ended_at" >= "episode"."started_at"),
	CONSTRAINT "episode_reported_after_start" CHECK ("episode"."reported_at" >= "episode"."started_at")
);
--> statement-breakpoint
CREATE TABLE "episode_kind_change" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"from_kind" text NOT NULL,
	"to_kind" text NOT NULL,
	"reason" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "return_interview" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"owner_agency_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'due' NOT NULL,
	"offered_at" timestamp with time zone,
	"offered_by" text,
	"declined_reason" text,
	"held_at" timestamp with time zone,
	"held_where" text,
	"interviewer_name" text,
	"interviewer_role" text,
	"interviewer_independent" boolean,
	"trusted_adult_chosen_by_child" boolean,
	"why_left" text,
	"where_stayed" text,
	"who_with" text,
	"how_travelled" text,
	"harm_disclosed" text,
	"health_needs" text,
	"exploitation_concerns" text,
	"actions" text,
	"information_shared_with" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "return_interview_episode_id_unique" UNIQUE("episode_id"),
	CONSTRAINT "return_interview_status_known" CHECK ("return_interview"."status" in ('due', 'offered', 'accepted', 'declined', 'held')),
	CONSTRAINT "return_interview_independence" CHECK ("return_interview"."status" <> 'held' or "return_interview"."interviewer_independent" or "return_interview"."trusted_adult_chosen_by_child")
);
--> statement-breakpoint
CREATE TABLE "risk_grading" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"grade" text NOT NULL,
	"rationale" text NOT NULL,
	"graded_at" timestamp with time zone NOT NULL,
	"graded_by_user_id" uuid,
	"next_review_at" timestamp with time zone,
	CONSTRAINT "risk_grading_grade_known" CHECK ("risk_grading"."grade" in ('no_apparent_risk', 'low', 'medium', 'high')),
	CONSTRAINT "risk_grading_review_after" CHECK ("risk_grading"."next_review_at" is null or "risk_grading"."next_review_at" > "risk_grading"."graded_at")
);
--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_reported_by_user_id_app_user_id_fk" FOREIGN KEY ("reported_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_reported_by_agency_id_agency_id_fk" FOREIGN KEY ("reported_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_police_force_code_police_force_code_fk" FOREIGN KEY ("police_force_code") REFERENCES "public"."police_force"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_closed_by_user_id_app_user_id_fk" FOREIGN KEY ("closed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_kind_change" ADD CONSTRAINT "episode_kind_change_episode_id_episode_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episode"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_kind_change" ADD CONSTRAINT "episode_kind_change_changed_by_user_id_app_user_id_fk" FOREIGN KEY ("changed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_interview" ADD CONSTRAINT "return_interview_episode_id_episode_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episode"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_interview" ADD CONSTRAINT "return_interview_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_interview" ADD CONSTRAINT "return_interview_owner_agency_id_agency_id_fk" FOREIGN KEY ("owner_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_grading" ADD CONSTRAINT "risk_grading_episode_id_episode_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episode"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_grading" ADD CONSTRAINT "risk_grading_graded_by_user_id_app_user_id_fk" FOREIGN KEY ("graded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "episode_one_open_per_child" ON "episode" USING btree ("child_id") WHERE "episode"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "episode_child_idx" ON "episode" USING btree ("child_id","started_at");--> statement-breakpoint
CREATE INDEX "episode_force_idx" ON "episode" USING btree ("police_force_code","started_at");--> statement-breakpoint
CREATE INDEX "return_interview_queue_idx" ON "return_interview" USING btree ("owner_agency_id","status","due_at");--> statement-breakpoint
CREATE INDEX "risk_grading_episode_idx" ON "risk_grading" USING btree ("episode_id","graded_at");