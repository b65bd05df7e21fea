CREATE TABLE "notice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid,
	"unidentified_description" text,
	"categories" text[] NOT NULL,
	"what_happened" text NOT NULL,
	"source" text NOT NULL,
	"area_authority_code" text NOT NULL,
	"raised_by_agency_id" uuid NOT NULL,
	"raised_by_user_id" uuid,
	"raised_at" timestamp with time zone NOT NULL,
	"priority" text,
	"decision_due_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	CONSTRAINT "notice_about_someone" CHECK ("notice"."child_id" is not null or "notice"."unidentified_description" is not null),
	CONSTRAINT "notice_categories_known" CHECK (cardinality("notice"."categories") > 0 and "notice"."categories" <@ array['missing','sexual_exploitation','domestic_abuse','substance_misuse','assault','online_harm','criminal_exploitation','other']::text[]),
	CONSTRAINT "notice_priority_known" CHECK ("notice"."priority" is null or "notice"."priority" in ('red', 'amber', 'green'))
);
--> statement-breakpoint
CREATE TABLE "notice_attachment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"uploaded_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "notice_contribution" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"user_id" uuid,
	"information" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_decision" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"outcome_code" text NOT NULL,
	"outcome_label" text NOT NULL,
	"strategy_discussion" text NOT NULL,
	"rationale" text NOT NULL,
	"proposed_by_user_id" uuid NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"police_confirmed_by_user_id" uuid,
	"police_confirmed_at" timestamp with time zone,
	"social_care_confirmed_by_user_id" uuid,
	"social_care_confirmed_at" timestamp with time zone,
	"final_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	CONSTRAINT "notice_decision_final_needs_both" CHECK ("notice_decision"."final_at" is null or ("notice_decision"."police_confirmed_at" is not null and "notice_decision"."social_care_confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "strategy_action" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"discussion_id" uuid NOT NULL,
	"description" text NOT NULL,
	"owner_agency_id" uuid NOT NULL,
	"owner_name" text NOT NULL,
	"due_on" date NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_discussion" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"venue" text NOT NULL,
	"scheduled_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"held_at" timestamp with time zone,
	"information_shared" text,
	"decisions" text,
	"recorded_by_user_id" uuid,
	CONSTRAINT "strategy_discussion_held_has_record" CHECK ("strategy_discussion"."held_at" is null or ("strategy_discussion"."information_shared" is not null and "strategy_discussion"."decisions" is not null))
);
--> statement-breakpoint
CREATE TABLE "strategy_invitee" (
	"discussion_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"attended" text,
	"attendee_name" text
);
--> statement-breakpoint
CREATE TABLE "threshold_outcome" (
	"authority_code" text NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"position" integer NOT NULL,
	"strategy_discussion" text DEFAULT 'no' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "triage_deadline" (
	"authority_code" text NOT NULL,
	"priority" text NOT NULL,
	"hours" integer NOT NULL,
	CONSTRAINT "triage_deadline_hours" CHECK ("triage_deadline"."hours" > 0)
);
--> statement-breakpoint
ALTER TABLE "child_access" DROP CONSTRAINT "child_access_basis_known";--> statement-breakpoint
ALTER TABLE "alert" ALTER COLUMN "child_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_area_authority_code_local_authority_code_fk" FOREIGN KEY ("area_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_raised_by_agency_id_agency_id_fk" FOREIGN KEY ("raised_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_raised_by_user_id_app_user_id_fk" FOREIGN KEY ("raised_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_attachment" ADD CONSTRAINT "notice_attachment_notice_id_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_attachment" ADD CONSTRAINT "notice_attachment_uploaded_by_user_id_app_user_id_fk" FOREIGN KEY ("uploaded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_contribution" ADD CONSTRAINT "notice_contribution_notice_id_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_contribution" ADD CONSTRAINT "notice_contribution_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_contribution" ADD CONSTRAINT "notice_contribution_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_decision" ADD CONSTRAINT "notice_decision_notice_id_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_decision" ADD CONSTRAINT "notice_decision_proposed_by_user_id_app_user_id_fk" FOREIGN KEY ("proposed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_decision" ADD CONSTRAINT "notice_decision_police_confirmed_by_user_id_app_user_id_fk" FOREIGN KEY ("police_confirmed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_decision" ADD CONSTRAINT "notice_decision_social_care_confirmed_by_user_id_app_user_id_fk" FOREIGN KEY ("social_care_confirmed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action" ADD CONSTRAINT "strategy_action_discussion_id_strategy_discussion_id_fk" FOREIGN KEY ("discussion_id") REFERENCES "public"."strategy_discussion"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action" ADD CONSTRAINT "strategy_action_owner_agency_id_agency_id_fk" FOREIGN KEY ("owner_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_discussion" ADD CONSTRAINT "strategy_discussion_notice_id_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_discussion" ADD CONSTRAINT "strategy_discussion_scheduled_by_user_id_app_user_id_fk" FOREIGN KEY ("scheduled_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_discussion" ADD CONSTRAINT "strategy_discussion_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_invitee" ADD CONSTRAINT "strategy_invitee_discussion_id_strategy_discussion_id_fk" FOREIGN KEY ("discussion_id") REFERENCES "public"."strategy_discussion"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_invitee" ADD CONSTRAINT "strategy_invitee_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threshold_outcome" ADD CONSTRAINT "threshold_outcome_authority_code_local_authority_code_fk" FOREIGN KEY ("authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_deadline" ADD CONSTRAINT "triage_deadline_authority_code_local_authority_code_fk" FOREIGN KEY ("authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notice_queue_idx" ON "notice" USING btree ("area_authority_code","decided_at","decision_due_at");--> statement-breakpoint
CREATE INDEX "notice_child_idx" ON "notice" USING btree ("child_id","raised_at");--> statement-breakpoint
CREATE INDEX "notice_attachment_notice_idx" ON "notice_attachment" USING btree ("notice_id");--> statement-breakpoint
CREATE INDEX "notice_contribution_notice_idx" ON "notice_contribution" USING btree ("notice_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_decision_one_live" ON "notice_decision" USING btree ("notice_id") WHERE "notice_decision"."superseded_at" is null;--> statement-breakpoint
CREATE INDEX "strategy_action_discussion_idx" ON "strategy_action" USING btree ("discussion_id");--> statement-breakpoint
CREATE INDEX "strategy_discussion_notice_idx" ON "strategy_discussion" USING btree ("notice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_invitee_pk" ON "strategy_invitee" USING btree ("discussion_id","agency_id");--> statement-breakpoint
CREATE UNIQUE INDEX "threshold_outcome_pk" ON "threshold_outcome" USING btree ("authority_code","code");--> statement-breakpoint
CREATE UNIQUE INDEX "triage_deadline_pk" ON "triage_deadline" USING btree ("authority_code","priority");--> statement-breakpoint
ALTER TABLE "child_access" ADD CONSTRAINT "child_access_basis_known" CHECK ("child_access"."basis" in ('creator', 'placing_authority', 'host_authority', 'home', 'host_force', 'episode_force', 'case_team', 'notice', 'share', 'subgroup', 'break_glass'));