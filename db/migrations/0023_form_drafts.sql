CREATE TABLE "form_draft" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"form_key" text NOT NULL,
	"fields" jsonb NOT NULL,
	"saved_at" timestamp with time zone NOT NULL,
	CONSTRAINT "form_draft_user_key" UNIQUE("user_id","form_key"),
	CONSTRAINT "form_draft_key_form" CHECK ("form_draft"."form_key" ~ '^[a-z][a-z0-9-]*:[0-9a-f-]{36}$')
);
--> statement-breakpoint
ALTER TABLE "form_draft" ADD CONSTRAINT "form_draft_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "form_draft_key_idx" ON "form_draft" USING btree ("form_key");