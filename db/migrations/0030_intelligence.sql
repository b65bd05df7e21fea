CREATE TABLE "intel_candidate" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entity_a" uuid NOT NULL,
	"entity_b" uuid NOT NULL,
	"score" double precision NOT NULL,
	"reasons" jsonb NOT NULL,
	"status" text NOT NULL,
	"found_at" timestamp with time zone NOT NULL,
	"decided_by_user_id" uuid,
	"decided_at" timestamp with time zone,
	CONSTRAINT "intel_candidate_order" CHECK ("intel_candidate"."entity_a" < "intel_candidate"."entity_b"),
	CONSTRAINT "intel_candidate_status" CHECK ("intel_candidate"."status" in ('open', 'match', 'not_match', 'unsure'))
);
--> statement-breakpoint
CREATE TABLE "intel_entity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"given_name" text,
	"family_name" text,
	"aliases" text[],
	"date_of_birth" date,
	"approximate_age" integer,
	"description" text,
	"name_codes" text[],
	"location_id" uuid,
	"place_type" text,
	"registration" text,
	"registration_key" text,
	"registration_partial" text,
	"make" text,
	"model" text,
	"colour" text,
	"phone_e164" text,
	"platform" text,
	"handle" text,
	"handle_key" text,
	"created_by_user_id" uuid,
	"created_by_agency_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"merged_into_id" uuid,
	CONSTRAINT "intel_entity_kind" CHECK ("intel_entity"."kind" in ('person', 'location', 'vehicle', 'phone', 'account')),
	CONSTRAINT "intel_entity_place_type" CHECK ("intel_entity"."place_type" is null or "intel_entity"."place_type" in ('address', 'hotel', 'park', 'bus_station', 'rail_station', 'takeaway', 'car_park', 'shop', 'other'))
);
--> statement-breakpoint
CREATE TABLE "intel_link" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid,
	"from_entity_id" uuid,
	"entity_id" uuid NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source_type" text NOT NULL,
	"source_id" uuid NOT NULL,
	"source_grade" text NOT NULL,
	"information_grade" text NOT NULL,
	"handling_code" text NOT NULL,
	"handling_conditions" text,
	"author_user_id" uuid,
	"author_agency_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"entered_in_error_at" timestamp with time zone,
	"entered_in_error_reason" text,
	CONSTRAINT "intel_link_one_from" CHECK (("intel_link"."child_id" is null) <> ("intel_link"."from_entity_id" is null)),
	CONSTRAINT "intel_link_type" CHECK ("intel_link"."type" in ('found_at', 'went_missing_from', 'seen_with', 'associates_with', 'lives_at', 'uses', 'travelled_in', 'contacted_by')),
	CONSTRAINT "intel_link_source" CHECK ("intel_link"."source_type" in ('episode', 'return_interview', 'sighting', 'notice', 'log')),
	CONSTRAINT "intel_link_source_grade" CHECK ("intel_link"."source_grade" in ('1', '2', '3')),
	CONSTRAINT "intel_link_information_grade" CHECK ("intel_link"."information_grade" in ('A', 'B', 'C', 'D', 'E')),
	CONSTRAINT "intel_link_handling" CHECK ("intel_link"."handling_code" in ('P', 'C')),
	CONSTRAINT "intel_link_conditions" CHECK ("intel_link"."handling_code" <> 'C' or coalesce(length(trim("intel_link"."handling_conditions")), 0) > 0)
);
--> statement-breakpoint
CREATE TABLE "intel_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid,
	"summary" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"author_user_id" uuid,
	"author_agency_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intel_merge" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"candidate_id" uuid,
	"moved_link_ids" uuid[] NOT NULL,
	"moved_from_link_ids" uuid[] NOT NULL,
	"merged_by_user_id" uuid NOT NULL,
	"merged_at" timestamp with time zone NOT NULL,
	"undone_by_user_id" uuid,
	"undone_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intel_network_run" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"area_authority_code" text,
	"built_at" timestamp with time zone NOT NULL,
	"nodes" integer NOT NULL,
	"edges" integer NOT NULL,
	"result" jsonb NOT NULL,
	"millis" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intel_pattern" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entity_id" uuid NOT NULL,
	"area_authority_code" text,
	"window_days" integer NOT NULL,
	"threshold" integer NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intel_pattern_evidence" (
	"pattern_id" uuid NOT NULL,
	"link_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "warning_notice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"served_by_user_id" uuid,
	"served_by_agency_id" uuid NOT NULL,
	"served_on" date NOT NULL,
	"terms" text NOT NULL,
	"review_on" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_reason" text
);
--> statement-breakpoint
CREATE TABLE "warning_notice_breach" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"link_id" uuid,
	"source_type" text NOT NULL,
	"source_id" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "location" ADD COLUMN "h3_cell" text;--> statement-breakpoint
ALTER TABLE "intel_candidate" ADD CONSTRAINT "intel_candidate_entity_a_intel_entity_id_fk" FOREIGN KEY ("entity_a") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_candidate" ADD CONSTRAINT "intel_candidate_entity_b_intel_entity_id_fk" FOREIGN KEY ("entity_b") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_candidate" ADD CONSTRAINT "intel_candidate_decided_by_user_id_app_user_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_entity" ADD CONSTRAINT "intel_entity_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_entity" ADD CONSTRAINT "intel_entity_created_by_user_id_app_user_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_entity" ADD CONSTRAINT "intel_entity_created_by_agency_id_agency_id_fk" FOREIGN KEY ("created_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_link" ADD CONSTRAINT "intel_link_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_link" ADD CONSTRAINT "intel_link_from_entity_id_intel_entity_id_fk" FOREIGN KEY ("from_entity_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_link" ADD CONSTRAINT "intel_link_entity_id_intel_entity_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_link" ADD CONSTRAINT "intel_link_author_user_id_app_user_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_link" ADD CONSTRAINT "intel_link_author_agency_id_agency_id_fk" FOREIGN KEY ("author_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_log" ADD CONSTRAINT "intel_log_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_log" ADD CONSTRAINT "intel_log_author_user_id_app_user_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_log" ADD CONSTRAINT "intel_log_author_agency_id_agency_id_fk" FOREIGN KEY ("author_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_merge" ADD CONSTRAINT "intel_merge_survivor_id_intel_entity_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_merge" ADD CONSTRAINT "intel_merge_merged_id_intel_entity_id_fk" FOREIGN KEY ("merged_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_merge" ADD CONSTRAINT "intel_merge_candidate_id_intel_candidate_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."intel_candidate"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_merge" ADD CONSTRAINT "intel_merge_merged_by_user_id_app_user_id_fk" FOREIGN KEY ("merged_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_merge" ADD CONSTRAINT "intel_merge_undone_by_user_id_app_user_id_fk" FOREIGN KEY ("undone_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_network_run" ADD CONSTRAINT "intel_network_run_area_authority_code_local_authority_code_fk" FOREIGN KEY ("area_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_pattern" ADD CONSTRAINT "intel_pattern_entity_id_intel_entity_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_pattern" ADD CONSTRAINT "intel_pattern_area_authority_code_local_authority_code_fk" FOREIGN KEY ("area_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_pattern_evidence" ADD CONSTRAINT "intel_pattern_evidence_pattern_id_intel_pattern_id_fk" FOREIGN KEY ("pattern_id") REFERENCES "public"."intel_pattern"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_pattern_evidence" ADD CONSTRAINT "intel_pattern_evidence_link_id_intel_link_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."intel_link"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intel_pattern_evidence" ADD CONSTRAINT "intel_pattern_evidence_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice" ADD CONSTRAINT "warning_notice_person_id_intel_entity_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."intel_entity"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice" ADD CONSTRAINT "warning_notice_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice" ADD CONSTRAINT "warning_notice_served_by_user_id_app_user_id_fk" FOREIGN KEY ("served_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice" ADD CONSTRAINT "warning_notice_served_by_agency_id_agency_id_fk" FOREIGN KEY ("served_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice_breach" ADD CONSTRAINT "warning_notice_breach_notice_id_warning_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."warning_notice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_notice_breach" ADD CONSTRAINT "warning_notice_breach_link_id_intel_link_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."intel_link"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "intel_candidate_pair_idx" ON "intel_candidate" USING btree ("entity_a","entity_b");--> statement-breakpoint
CREATE INDEX "intel_candidate_status_idx" ON "intel_candidate" USING btree ("status","score");--> statement-breakpoint
CREATE INDEX "intel_entity_kind_idx" ON "intel_entity" USING btree ("kind","label");--> statement-breakpoint
CREATE INDEX "intel_entity_registration_idx" ON "intel_entity" USING btree ("registration_key");--> statement-breakpoint
CREATE INDEX "intel_entity_phone_idx" ON "intel_entity" USING btree ("phone_e164");--> statement-breakpoint
CREATE INDEX "intel_entity_handle_idx" ON "intel_entity" USING btree ("platform","handle_key");--> statement-breakpoint
CREATE INDEX "intel_entity_location_idx" ON "intel_entity" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "intel_entity_name_codes_idx" ON "intel_entity" USING gin ("name_codes");--> statement-breakpoint
CREATE INDEX "intel_entity_merged_idx" ON "intel_entity" USING btree ("merged_into_id");--> statement-breakpoint
CREATE INDEX "intel_link_child_idx" ON "intel_link" USING btree ("child_id","occurred_at");--> statement-breakpoint
CREATE INDEX "intel_link_entity_idx" ON "intel_link" USING btree ("entity_id","occurred_at");--> statement-breakpoint
CREATE INDEX "intel_link_from_idx" ON "intel_link" USING btree ("from_entity_id");--> statement-breakpoint
CREATE INDEX "intel_link_source_idx" ON "intel_link" USING btree ("source_type","source_id");--> statement-breakpoint
CREATE INDEX "intel_log_child_idx" ON "intel_log" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "intel_merge_merged_idx" ON "intel_merge" USING btree ("merged_id");--> statement-breakpoint
CREATE INDEX "intel_merge_survivor_idx" ON "intel_merge" USING btree ("survivor_id");--> statement-breakpoint
CREATE INDEX "intel_network_run_area_idx" ON "intel_network_run" USING btree ("area_authority_code","built_at");--> statement-breakpoint
CREATE UNIQUE INDEX "intel_pattern_open_idx" ON "intel_pattern" USING btree ("entity_id") WHERE "intel_pattern"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "intel_pattern_area_idx" ON "intel_pattern" USING btree ("area_authority_code");--> statement-breakpoint
CREATE UNIQUE INDEX "intel_pattern_evidence_idx" ON "intel_pattern_evidence" USING btree ("pattern_id","link_id");--> statement-breakpoint
CREATE INDEX "intel_pattern_evidence_child_idx" ON "intel_pattern_evidence" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "warning_notice_child_idx" ON "warning_notice" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "warning_notice_person_idx" ON "warning_notice" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "warning_notice_breach_notice_idx" ON "warning_notice_breach" USING btree ("notice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "warning_notice_breach_link_idx" ON "warning_notice_breach" USING btree ("notice_id","link_id");--> statement-breakpoint
CREATE INDEX "location_h3_idx" ON "location" USING btree ("h3_cell");