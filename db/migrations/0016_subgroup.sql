CREATE TABLE "agenda_item" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"child_id" uuid,
	"reason" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "agenda_item_kind" CHECK ("agenda_item"."kind" in ('repeat_missing', 'repeat_absence', 'return_interview_overdue', 'screening', 'strategy_discussion'))
);
--> statement-breakpoint
CREATE TABLE "subgroup" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"authority_code" text NOT NULL,
	"name" text NOT NULL,
	"lead_user_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subgroup_action" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"agenda_item_id" uuid,
	"description" text NOT NULL,
	"owner_name" text NOT NULL,
	"owner_agency_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subgroup_meeting" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subgroup_id" uuid NOT NULL,
	"meets_at" timestamp with time zone NOT NULL,
	"venue" text NOT NULL,
	"agenda_built_at" timestamp with time zone,
	"minutes" text,
	"minutes_recorded_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subgroup_member" (
	"subgroup_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "child_access" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_meeting_id_subgroup_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."subgroup_meeting"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_item" ADD CONSTRAINT "agenda_item_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup" ADD CONSTRAINT "subgroup_authority_code_local_authority_code_fk" FOREIGN KEY ("authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup" ADD CONSTRAINT "subgroup_lead_user_id_app_user_id_fk" FOREIGN KEY ("lead_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_action" ADD CONSTRAINT "subgroup_action_meeting_id_subgroup_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."subgroup_meeting"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_action" ADD CONSTRAINT "subgroup_action_agenda_item_id_agenda_item_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_item"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_action" ADD CONSTRAINT "subgroup_action_owner_agency_id_agency_id_fk" FOREIGN KEY ("owner_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_meeting" ADD CONSTRAINT "subgroup_meeting_subgroup_id_subgroup_id_fk" FOREIGN KEY ("subgroup_id") REFERENCES "public"."subgroup"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_member" ADD CONSTRAINT "subgroup_member_subgroup_id_subgroup_id_fk" FOREIGN KEY ("subgroup_id") REFERENCES "public"."subgroup"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_member" ADD CONSTRAINT "subgroup_member_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agenda_item_meeting_idx" ON "agenda_item" USING btree ("meeting_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "subgroup_area_idx" ON "subgroup" USING btree ("authority_code");--> statement-breakpoint
CREATE INDEX "subgroup_action_meeting_idx" ON "subgroup_action" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "subgroup_meeting_idx" ON "subgroup_meeting" USING btree ("subgroup_id","meets_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subgroup_member_current_idx" ON "subgroup_member" USING btree ("subgroup_id","user_id") WHERE "subgroup_member"."left_at" is null;--> statement-breakpoint
ALTER TABLE "child_access" ADD CONSTRAINT "child_access_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;