CREATE TABLE "location" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"postcode" text,
	"latitude" double precision,
	"longitude" double precision,
	"coordinates_source" text,
	"local_authority_code" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "location_coordinates_pair" CHECK (("location"."latitude" is null) = ("location"."longitude" is null)),
	CONSTRAINT "location_coordinates_source" CHECK (("location"."latitude" is null and "location"."coordinates_source" is null) or "location"."coordinates_source" in ('lookup', 'user'))
);
--> statement-breakpoint
CREATE TABLE "child_photo" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"uploaded_by_user_id" uuid,
	CONSTRAINT "child_photo_type" CHECK ("child_photo"."content_type" in ('image/jpeg', 'image/png'))
);
--> statement-breakpoint
CREATE TABLE "child_profile" (
	"child_id" uuid PRIMARY KEY NOT NULL,
	"height" text,
	"build" text,
	"hair" text,
	"eyes" text,
	"distinguishing_features" text,
	"usual_clothing" text,
	"languages" text,
	"health_needs" text,
	"medication" text,
	"money" text,
	"transport" text,
	"other_information" text,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "child_profile_entry" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"detail" text,
	"location_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"created_by_user_id" uuid,
	"removed_at" timestamp with time zone,
	CONSTRAINT "child_profile_entry_kind" CHECK ("child_profile_entry"."kind" in ('phone', 'social_media', 'associate', 'place'))
);
--> statement-breakpoint
ALTER TABLE "episode" ADD COLUMN "last_seen_location_id" uuid;--> statement-breakpoint
ALTER TABLE "episode" ADD COLUMN "found_location_id" uuid;--> statement-breakpoint
ALTER TABLE "child_photo" ADD CONSTRAINT "child_photo_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_photo" ADD CONSTRAINT "child_photo_uploaded_by_user_id_app_user_id_fk" FOREIGN KEY ("uploaded_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile" ADD CONSTRAINT "child_profile_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile" ADD CONSTRAINT "child_profile_updated_by_user_id_app_user_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile_entry" ADD CONSTRAINT "child_profile_entry_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile_entry" ADD CONSTRAINT "child_profile_entry_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile_entry" ADD CONSTRAINT "child_profile_entry_created_by_user_id_app_user_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "location_postcode_idx" ON "location" USING btree ("postcode");--> statement-breakpoint
CREATE INDEX "child_photo_child_idx" ON "child_photo" USING btree ("child_id","uploaded_at");--> statement-breakpoint
CREATE INDEX "child_profile_entry_child_idx" ON "child_profile_entry" USING btree ("child_id","kind");--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_last_seen_location_id_location_id_fk" FOREIGN KEY ("last_seen_location_id") REFERENCES "public"."location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_found_location_id_location_id_fk" FOREIGN KEY ("found_location_id") REFERENCES "public"."location"("id") ON DELETE no action ON UPDATE no action;