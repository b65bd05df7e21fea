CREATE TABLE "advocacy_meeting" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"responsible_authority_code" text NOT NULL,
	"kind" text NOT NULL,
	"meeting_on" date NOT NULL,
	"offered" boolean NOT NULL,
	"offered_on" date,
	"offered_by" text,
	"not_offered_reason" text,
	"response" text,
	"advocate_name" text,
	"advocate_organisation" text,
	"child_views" text,
	"heard" text,
	"heard_note" text,
	"recorded_by_user_id" uuid,
	"recorded_by_agency_id" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"entered_in_error_at" timestamp with time zone,
	"entered_in_error_by_user_id" uuid,
	"entered_in_error_reason" text,
	CONSTRAINT "advocacy_meeting_kind_known" CHECK ("advocacy_meeting"."kind" in ('care_review', 'placement_planning')),
	CONSTRAINT "advocacy_meeting_response_known" CHECK ("advocacy_meeting"."response" is null or "advocacy_meeting"."response" in ('accepted', 'declined', 'not_answered')),
	CONSTRAINT "advocacy_meeting_heard_known" CHECK ("advocacy_meeting"."heard" is null or "advocacy_meeting"."heard" in ('yes', 'partly', 'no')),
	CONSTRAINT "advocacy_meeting_offer" CHECK (("advocacy_meeting"."offered" and "advocacy_meeting"."offered_on" is not null and "advocacy_meeting"."offered_by" is not null and "advocacy_meeting"."response" is not null and "advocacy_meeting"."not_offered_reason" is null)
        or (not "advocacy_meeting"."offered" and "advocacy_meeting"."not_offered_reason" is not null and "advocacy_meeting"."offered_on" is null and "advocacy_meeting"."offered_by" is null and "advocacy_meeting"."response" is null)),
	CONSTRAINT "advocacy_meeting_advocate" CHECK (("advocacy_meeting"."advocate_name" is null and "advocacy_meeting"."advocate_organisation" is null) or "advocacy_meeting"."response" = 'accepted'),
	CONSTRAINT "advocacy_meeting_heard_views" CHECK ("advocacy_meeting"."heard" is null or "advocacy_meeting"."child_views" is not null),
	CONSTRAINT "advocacy_meeting_in_error" CHECK (("advocacy_meeting"."entered_in_error_at" is null) = ("advocacy_meeting"."entered_in_error_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "advocacy_meeting_change" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text,
	"changed_by_user_id" uuid,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "advocacy_meeting_change_field_known" CHECK ("advocacy_meeting_change"."field" in ('kind', 'meetingOn', 'offered', 'offeredOn', 'offeredBy', 'notOfferedReason', 'response', 'advocateName', 'advocateOrganisation', 'childViews', 'heard', 'heardNote')),
	CONSTRAINT "advocacy_meeting_change_changes" CHECK ("advocacy_meeting_change"."old_value" is distinct from "advocacy_meeting_change"."new_value")
);
--> statement-breakpoint
CREATE TABLE "justice_case" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"crime_reference" text NOT NULL,
	"recorded_by_agency_id" uuid NOT NULL,
	"recorded_by_user_id" uuid,
	"status" text NOT NULL,
	"status_on" date NOT NULL,
	"supporter_name" text,
	"supporter_role" text,
	"supporter_agency" text,
	"created_at" timestamp with time zone NOT NULL,
	"entered_in_error_at" timestamp with time zone,
	"entered_in_error_reason" text,
	"entered_in_error_by_user_id" uuid,
	CONSTRAINT "justice_case_status_known" CHECK ("justice_case"."status" in ('investigating', 'no_further_action', 'charged', 'discontinued', 'trial', 'outcome')),
	CONSTRAINT "justice_case_reference" CHECK (length(trim("justice_case"."crime_reference")) > 0),
	CONSTRAINT "justice_case_in_error_reason" CHECK ("justice_case"."entered_in_error_at" is null or "justice_case"."entered_in_error_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "justice_case_person" (
	"case_id" uuid NOT NULL,
	"entity_id" uuid NOT NULL,
	"added_by_user_id" uuid,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "justice_case_person_case_id_entity_id_pk" PRIMARY KEY("case_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "justice_case_status" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"status" text NOT NULL,
	"status_on" date NOT NULL,
	"outcome" text,
	"note" text,
	"recorded_by_user_id" uuid,
	"recorded_by_agency_id" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "justice_case_status_code" CHECK ("justice_case_status"."status" in ('investigating', 'no_further_action', 'charged', 'discontinued', 'trial', 'outcome')),
	CONSTRAINT "justice_case_status_outcome" CHECK (("justice_case_status"."status" = 'outcome') = ("justice_case_status"."outcome" is not null))
);
--> statement-breakpoint
CREATE TABLE "justice_contact" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"contact_at" timestamp with time zone NOT NULL,
	"contact_with" text NOT NULL,
	"stage" text NOT NULL,
	"method" text NOT NULL,
	"note" text,
	"recorded_by_user_id" uuid,
	"recorded_by_agency_id" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "justice_contact_with" CHECK ("justice_contact"."contact_with" in ('child', 'family', 'both')),
	CONSTRAINT "justice_contact_stage" CHECK ("justice_contact"."stage" in ('before', 'during', 'after')),
	CONSTRAINT "justice_contact_method" CHECK ("justice_contact"."method" in ('in_person', 'phone', 'video', 'letter'))
);
--> statement-breakpoint
CREATE TABLE "justice_special_measure" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"requested_on" date NOT NULL,
	"decision" text DEFAULT 'pending' NOT NULL,
	"decided_on" date,
	"recorded_by_user_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	"decided_by_user_id" uuid,
	CONSTRAINT "justice_special_measure_code" CHECK ("justice_special_measure"."measure" in ('live_link', 'screens', 'intermediary', 'pre_recorded_evidence', 'video_recorded_interview')),
	CONSTRAINT "justice_special_measure_decision" CHECK ("justice_special_measure"."decision" in ('pending', 'granted', 'refused')),
	CONSTRAINT "justice_special_measure_decided" CHECK (("justice_special_measure"."decision" = 'pending') = ("justice_special_measure"."decided_on" is null))
);
--> statement-breakpoint
CREATE TABLE "justice_statement" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"occurred_on" date NOT NULL,
	"note" text,
	"recorded_by_user_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "justice_statement_kind" CHECK ("justice_statement"."kind" in ('written_statement', 'abe_interview')),
	CONSTRAINT "justice_statement_state" CHECK ("justice_statement"."state" in ('offered', 'refused', 'held'))
);
--> statement-breakpoint
CREATE TABLE "justice_support_review" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"status_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"completed_by_user_id" uuid,
	"outcome" text,
	"outcome_note" text,
	CONSTRAINT "justice_support_review_outcome" CHECK ("justice_support_review"."outcome" is null or "justice_support_review"."outcome" in ('continue_support', 'support_ended')),
	CONSTRAINT "justice_support_review_completed" CHECK (("justice_support_review"."completed_at" is null) = ("justice_support_review"."outcome" is null) and ("justice_support_review"."outcome" is distinct from 'support_ended' or "justice_support_review"."outcome_note" is not null))
);
--> statement-breakpoint
ALTER TABLE "allocation" DROP CONSTRAINT "allocation_subject_type";--> statement-breakpoint
ALTER TABLE "advocacy_meeting" ADD CONSTRAINT "advocacy_meeting_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting" ADD CONSTRAINT "advocacy_meeting_responsible_authority_code_local_authority_code_fk" FOREIGN KEY ("responsible_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting" ADD CONSTRAINT "advocacy_meeting_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting" ADD CONSTRAINT "advocacy_meeting_recorded_by_agency_id_agency_id_fk" FOREIGN KEY ("recorded_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting" ADD CONSTRAINT "advocacy_meeting_entered_in_error_by_user_id_app_user_id_fk" FOREIGN KEY ("entered_in_error_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting_change" ADD CONSTRAINT "advocacy_meeting_change_meeting_id_advocacy_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."advocacy_meeting"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advocacy_meeting_change" ADD CONSTRAINT "advocacy_meeting_change_changed_by_user_id_app_user_id_fk" FOREIGN KEY ("changed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case" ADD CONSTRAINT "justice_case_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case" ADD CONSTRAINT "justice_case_recorded_by_agency_id_agency_id_fk" FOREIGN KEY ("recorded_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case" ADD CONSTRAINT "justice_case_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case" ADD CONSTRAINT "justice_case_entered_in_error_by_user_id_app_user_id_fk" FOREIGN KEY ("entered_in_error_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_person" ADD CONSTRAINT "justice_case_person_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_person" ADD CONSTRAINT "justice_case_person_entity_id_intel_entity_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_person" ADD CONSTRAINT "justice_case_person_added_by_user_id_app_user_id_fk" FOREIGN KEY ("added_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_status" ADD CONSTRAINT "justice_case_status_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_status" ADD CONSTRAINT "justice_case_status_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_case_status" ADD CONSTRAINT "justice_case_status_recorded_by_agency_id_agency_id_fk" FOREIGN KEY ("recorded_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_contact" ADD CONSTRAINT "justice_contact_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_contact" ADD CONSTRAINT "justice_contact_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_contact" ADD CONSTRAINT "justice_contact_recorded_by_agency_id_agency_id_fk" FOREIGN KEY ("recorded_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_special_measure" ADD CONSTRAINT "justice_special_measure_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_special_measure" ADD CONSTRAINT "justice_special_measure_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_special_measure" ADD CONSTRAINT "justice_special_measure_decided_by_user_id_app_user_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_statement" ADD CONSTRAINT "justice_statement_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_statement" ADD CONSTRAINT "justice_statement_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_support_review" ADD CONSTRAINT "justice_support_review_case_id_justice_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."justice_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_support_review" ADD CONSTRAINT "justice_support_review_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_support_review" ADD CONSTRAINT "justice_support_review_status_id_justice_case_status_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."justice_case_status"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "justice_support_review" ADD CONSTRAINT "justice_support_review_completed_by_user_id_app_user_id_fk" FOREIGN KEY ("completed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advocacy_meeting_child_idx" ON "advocacy_meeting" USING btree ("child_id","meeting_on");--> statement-breakpoint
CREATE INDEX "advocacy_meeting_authority_idx" ON "advocacy_meeting" USING btree ("responsible_authority_code","meeting_on");--> statement-breakpoint
CREATE INDEX "advocacy_meeting_change_meeting_idx" ON "advocacy_meeting_change" USING btree ("meeting_id","changed_at");--> statement-breakpoint
CREATE INDEX "justice_case_child_idx" ON "justice_case" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "justice_case_person_entity_idx" ON "justice_case_person" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "justice_case_status_case_idx" ON "justice_case_status" USING btree ("case_id","recorded_at");--> statement-breakpoint
CREATE INDEX "justice_contact_case_idx" ON "justice_contact" USING btree ("case_id","contact_at");--> statement-breakpoint
CREATE INDEX "justice_special_measure_case_idx" ON "justice_special_measure" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "justice_statement_case_idx" ON "justice_statement" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "justice_support_review_status_idx" ON "justice_support_review" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "justice_support_review_case_idx" ON "justice_support_review" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "justice_support_review_child_idx" ON "justice_support_review" USING btree ("child_id");--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_subject_type" CHECK ("allocation"."subject_type" in ('child', 'episode', 'return_interview', 'notice', 'action', 'support_review'));