CREATE TABLE "allocation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"child_id" uuid,
	"agency_id" uuid NOT NULL,
	"team_id" uuid,
	"user_id" uuid,
	"reason" text,
	"allocated_by_user_id" uuid NOT NULL,
	"allocated_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "allocation_has_owner" CHECK ("allocation"."team_id" is not null or "allocation"."user_id" is not null),
	CONSTRAINT "allocation_subject_type" CHECK ("allocation"."subject_type" in ('child', 'episode', 'return_interview', 'notice', 'action'))
);
--> statement-breakpoint
CREATE TABLE "team" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"disbanded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "team_member" (
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "team_member_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_allocated_by_user_id_app_user_id_fk" FOREIGN KEY ("allocated_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team" ADD CONSTRAINT "team_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "allocation_current_idx" ON "allocation" USING btree ("subject_type","subject_id","agency_id") WHERE "allocation"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "allocation_user_idx" ON "allocation" USING btree ("user_id") WHERE "allocation"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "allocation_team_idx" ON "allocation" USING btree ("team_id") WHERE "allocation"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "allocation_subject_idx" ON "allocation" USING btree ("subject_type","subject_id","allocated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "team_agency_name_idx" ON "team" USING btree ("agency_id",lower("name"));--> statement-breakpoint
CREATE INDEX "team_member_user_idx" ON "team_member" USING btree ("user_id");