CREATE TABLE "care_episode" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"authority_code" text NOT NULL,
	"started_on" date NOT NULL,
	"reason_new_episode" text NOT NULL,
	"legal_status" text NOT NULL,
	"category_of_need" text NOT NULL,
	"ended_on" date,
	"reason_ceased" text,
	"reason_place_change" text,
	"created_by_user_id" uuid,
	"created_by_agency_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"entered_in_error_at" timestamp with time zone,
	"entered_in_error_reason" text,
	CONSTRAINT "care_episode_rne" CHECK ("care_episode"."reason_new_episode" in ('S', 'P', 'L', 'T', 'U', 'B')),
	CONSTRAINT "care_episode_ls" CHECK ("care_episode"."legal_status" in ('C1', 'C2', 'D1', 'E1', 'V2', 'V3', 'V4', 'J1', 'J2', 'J3', 'L1', 'L2', 'L3')),
	CONSTRAINT "care_episode_cin" CHECK ("care_episode"."category_of_need" in ('N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8')),
	CONSTRAINT "care_episode_rec" CHECK ("care_episode"."reason_ceased" is null or "care_episode"."reason_ceased" in ('E11', 'E12', 'E2', 'E3', 'E4A', 'E4B', 'E13', 'E41', 'E45', 'E46', 'E47', 'E48', 'E5', 'E6', 'E7', 'E8', 'E9', 'E14', 'E15', 'E16', 'E17', 'X1')),
	CONSTRAINT "care_episode_place_change" CHECK ("care_episode"."reason_place_change" is null or "care_episode"."reason_place_change" in ('CARPL', 'CLOSE', 'ALLEG', 'STAND', 'APPRR', 'CREQB', 'CREQO', 'CHILD', 'LAREQ', 'PLACE', 'CUSTOD', 'OTHER')),
	CONSTRAINT "care_episode_ended" CHECK (("care_episode"."ended_on" is null) = ("care_episode"."reason_ceased" is null)),
	CONSTRAINT "care_episode_order" CHECK ("care_episode"."ended_on" is null or "care_episode"."ended_on" >= "care_episode"."started_on")
);
--> statement-breakpoint
CREATE TABLE "episode_import" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_digest" text NOT NULL,
	"file_name" text,
	"rows" integer NOT NULL,
	"created" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"imported_by_user_id" uuid,
	"imported_by_agency_id" uuid,
	"imported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "mother" boolean;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "mother_child_date_of_birth" date;--> statement-breakpoint
ALTER TABLE "care_episode" ADD CONSTRAINT "care_episode_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_episode" ADD CONSTRAINT "care_episode_authority_code_local_authority_code_fk" FOREIGN KEY ("authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_episode" ADD CONSTRAINT "care_episode_created_by_user_id_app_user_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_episode" ADD CONSTRAINT "care_episode_created_by_agency_id_agency_id_fk" FOREIGN KEY ("created_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_import" ADD CONSTRAINT "episode_import_imported_by_user_id_app_user_id_fk" FOREIGN KEY ("imported_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_import" ADD CONSTRAINT "episode_import_imported_by_agency_id_agency_id_fk" FOREIGN KEY ("imported_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_episode_child_idx" ON "care_episode" USING btree ("child_id","started_on");--> statement-breakpoint
CREATE INDEX "care_episode_authority_idx" ON "care_episode" USING btree ("authority_code","started_on");--> statement-breakpoint
CREATE INDEX "episode_import_digest_idx" ON "episode_import" USING btree ("file_digest");--> statement-breakpoint
CREATE INDEX "episode_police_reference_idx" ON "episode" USING btree ("police_force_code","police_reference");