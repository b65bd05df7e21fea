CREATE TABLE "training_course" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"covers" text NOT NULL,
	"validity_months" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_course_validity" CHECK ("training_course"."validity_months" between 1 and 120)
);
--> statement-breakpoint
CREATE TABLE "training_record" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"staff_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"completed_on" date NOT NULL,
	"valid_until" date NOT NULL,
	"provider" text,
	"recorded_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"entered_in_error_at" timestamp with time zone,
	"entered_in_error_by_user_id" uuid,
	"entered_in_error_reason" text,
	CONSTRAINT "training_record_valid_after_completed" CHECK ("training_record"."valid_until" > "training_record"."completed_on"),
	CONSTRAINT "training_record_error_has_reason" CHECK (("training_record"."entered_in_error_at" is null) = ("training_record"."entered_in_error_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "training_staff" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"home_id" uuid,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"email" text,
	"sector" text NOT NULL,
	"started_on" date,
	"left_on" date,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_staff_sector_known" CHECK ("training_staff"."sector" in ('home_staff', 'police', 'health', 'education', 'hotel_or_venue', 'social_care', 'voluntary', 'other')),
	CONSTRAINT "training_staff_left_after_start" CHECK ("training_staff"."left_on" is null or "training_staff"."started_on" is null or "training_staff"."left_on" >= "training_staff"."started_on")
);
--> statement-breakpoint
ALTER TABLE "training_record" ADD CONSTRAINT "training_record_staff_id_training_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."training_staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_record" ADD CONSTRAINT "training_record_course_id_training_course_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."training_course"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_record" ADD CONSTRAINT "training_record_recorded_by_user_id_app_user_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_record" ADD CONSTRAINT "training_record_entered_in_error_by_user_id_app_user_id_fk" FOREIGN KEY ("entered_in_error_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_staff" ADD CONSTRAINT "training_staff_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_staff" ADD CONSTRAINT "training_staff_home_id_childrens_home_id_fk" FOREIGN KEY ("home_id") REFERENCES "public"."childrens_home"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_staff" ADD CONSTRAINT "training_staff_created_by_user_id_app_user_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "training_course_title_idx" ON "training_course" USING btree (lower("title"));--> statement-breakpoint
CREATE INDEX "training_record_staff_idx" ON "training_record" USING btree ("staff_id","course_id","completed_on");--> statement-breakpoint
CREATE INDEX "training_record_valid_idx" ON "training_record" USING btree ("valid_until");--> statement-breakpoint
CREATE UNIQUE INDEX "training_record_once_idx" ON "training_record" USING btree ("staff_id","course_id","completed_on") WHERE "training_record"."entered_in_error_at" is null;--> statement-breakpoint
CREATE INDEX "training_staff_agency_idx" ON "training_staff" USING btree ("agency_id","family_name","given_name");--> statement-breakpoint
CREATE INDEX "training_staff_home_idx" ON "training_staff" USING btree ("home_id");--> statement-breakpoint
INSERT INTO "training_course" ("id", "title", "covers", "validity_months", "active", "created_at", "updated_at") VALUES
('7a1c0000-0000-4000-8000-000000000001', 'Recognising grooming and exploitation', 'The warning signs that a child is being groomed or sexually or criminally exploited: gifts, older friends, new phones, changes in behaviour, going missing; and whom to tell at once.', 24, true, now(), now()),
('7a1c0000-0000-4000-8000-000000000002', 'Children who go missing: what to do', 'Searching and calling before reporting, when and how to report a child missing or absent, what to tell the police, the return interview, and running away as a warning sign of exploitation.', 24, true, now(), now()),
('7a1c0000-0000-4000-8000-000000000003', 'Hotel and venue staff: what to look for', 'What hotel, licensed premises and taxi staff may see (a child with adults who are not family, rooms booked for others, visitors at night) and how to report it with the organisation''s access code.', 12, true, now(), now());
