CREATE TABLE "child" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"date_of_birth" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "child_access" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"basis" text NOT NULL,
	"source_id" uuid,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	CONSTRAINT "child_access_basis_known" CHECK ("child_access"."basis" in ('creator', 'placing_authority', 'host_authority', 'home', 'host_force', 'episode_force', 'case_team', 'share', 'subgroup', 'break_glass')),
	CONSTRAINT "child_access_period" CHECK ("child_access"."valid_to" is null or "child_access"."valid_to" > "child_access"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "agency" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"local_authority_code" text,
	"police_force_code" text,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "agency_type_known" CHECK ("agency"."type" in ('police_force', 'local_authority', 'health', 'education', 'voluntary', 'childrens_home_provider', 'report_only')),
	CONSTRAINT "agency_force_has_code" CHECK ("agency"."type" <> 'police_force' or "agency"."police_force_code" is not null),
	CONSTRAINT "agency_authority_has_code" CHECK ("agency"."type" <> 'local_authority' or "agency"."local_authority_code" is not null)
);
--> statement-breakpoint
CREATE TABLE "local_authority" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"police_force_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "police_force" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_event" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_agency_id" uuid,
	"actor_credential_id" uuid,
	"action" text NOT NULL,
	"subject_type" text,
	"subject_id" text,
	"child_id" uuid,
	"reason_id" uuid,
	"request_id" text,
	"chain_pos" bigint,
	"prev_hash" text,
	"hash" text,
	CONSTRAINT "audit_event_id_unique" UNIQUE("id"),
	CONSTRAINT "audit_event_chain_pos_unique" UNIQUE("chain_pos")
);
--> statement-breakpoint
CREATE TABLE "audit_reason" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_token" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_token_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "app_user" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"password_hash" text,
	"totp_secret" text,
	"totp_enabled_at" timestamp with time zone,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	"last_signed_in_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "session" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"pending_step" text,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "child_access" ADD CONSTRAINT "child_access_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_access" ADD CONSTRAINT "child_access_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency" ADD CONSTRAINT "agency_local_authority_code_local_authority_code_fk" FOREIGN KEY ("local_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency" ADD CONSTRAINT "agency_police_force_code_police_force_code_fk" FOREIGN KEY ("police_force_code") REFERENCES "public"."police_force"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_authority" ADD CONSTRAINT "local_authority_police_force_code_police_force_code_fk" FOREIGN KEY ("police_force_code") REFERENCES "public"."police_force"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_access_lookup_idx" ON "child_access" USING btree ("agency_id","child_id");--> statement-breakpoint
CREATE INDEX "child_access_child_idx" ON "child_access" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "agency_name_idx" ON "agency" USING btree ("name");--> statement-breakpoint
CREATE INDEX "audit_event_actor_idx" ON "audit_event" USING btree ("actor_user_id","seq");--> statement-breakpoint
CREATE INDEX "audit_event_subject_idx" ON "audit_event" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "audit_event_child_idx" ON "audit_event" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "audit_event_occurred_idx" ON "audit_event" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "api_token_user_idx" ON "api_token" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "app_user_agency_idx" ON "app_user" USING btree ("agency_id");--> statement-breakpoint
CREATE INDEX "session_user_idx" ON "session" USING btree ("user_id");