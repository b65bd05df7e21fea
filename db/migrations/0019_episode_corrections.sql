CREATE TABLE "episode_correction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text NOT NULL,
	"corrected_by_user_id" uuid,
	"corrected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "episode_one_open_per_child";--> statement-breakpoint
ALTER TABLE "episode" ADD COLUMN "entered_in_error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "episode" ADD COLUMN "entered_in_error_reason" text;--> statement-breakpoint
ALTER TABLE "episode" ADD COLUMN "entered_in_error_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "episode_correction" ADD CONSTRAINT "episode_correction_episode_id_episode_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episode"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episode_correction" ADD CONSTRAINT "episode_correction_corrected_by_user_id_app_user_id_fk" FOREIGN KEY ("corrected_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "episode_correction_episode_idx" ON "episode_correction" USING btree ("episode_id","corrected_at");--> statement-breakpoint
ALTER TABLE "episode" ADD CONSTRAINT "episode_entered_in_error_by_user_id_app_user_id_fk" FOREIGN KEY ("entered_in_error_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "episode_one_open_per_child" ON "episode" USING btree ("child_id") WHERE "episode"."ended_at" is null and "episode"."entered_in_error_at" is null;