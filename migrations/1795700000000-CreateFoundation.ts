import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, refresh tokens (rotation families), API keys and the append-only, hash-chained audit log. */
export class CreateFoundation1795700000000 implements MigrationInterface {
  name = 'CreateFoundation1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "username" character varying(64) NOT NULL,
      "password_hash" character varying(255) NOT NULL,
      "role" character varying(16) NOT NULL,
      "disabled" boolean NOT NULL DEFAULT false,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_users" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_users_username" ON "users" ("username")`);

    await q.query(`CREATE TABLE "refresh_tokens" (
      "id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "family_id" uuid NOT NULL,
      "token_hash" character(64) NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "replaced_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("family_id")`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_user" ON "refresh_tokens" ("user_id")`);

    await q.query(`CREATE TABLE "api_keys" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "user_id" uuid NOT NULL,
      "name" character varying(100) NOT NULL,
      "prefix" character varying(16) NOT NULL,
      "key_hash" character(64) NOT NULL,
      "role" character varying(16) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_api_keys_key_hash" ON "api_keys" ("key_hash")`);
    await q.query(`CREATE INDEX "IDX_api_keys_user" ON "api_keys" ("user_id")`);

    await q.query(`CREATE TABLE "audit_log" (
      "id" BIGSERIAL NOT NULL,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "actor_id" uuid,
      "actor_name" character varying(100),
      "action" character varying(100) NOT NULL,
      "target" character varying(200),
      "details" jsonb NOT NULL DEFAULT '{}',
      "ip" character varying(64),
      "prev_hash" character(64) NOT NULL,
      "hash" character(64) NOT NULL,
      CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_audit_log_at" ON "audit_log" ("at")`);
    await q.query(`CREATE INDEX "IDX_audit_log_action" ON "audit_log" ("action")`);
    await q.query(`CREATE INDEX "IDX_audit_log_actor" ON "audit_log" ("actor_id")`);
    // Append-only: the database itself refuses edits and deletions of audit rows.
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "audit_log"
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS audit_log_no_update ON "audit_log"`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP TABLE "api_keys"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP TABLE "users"`);
  }
}
