import type { MigrationInterface, QueryRunner } from 'typeorm';

/** In-app alert history (src/monitoring/alerts/alert.entity.ts). */
export class CreateAlerts1795741638733 implements MigrationInterface {
  name = 'CreateAlerts1795741638733';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "alerts" (
        "id" uuid NOT NULL,
        "key" character varying(200) NOT NULL,
        "severity" character varying(16) NOT NULL,
        "title" character varying(300) NOT NULL,
        "details" jsonb NOT NULL DEFAULT '{}',
        "status" character varying(16) NOT NULL,
        "deliveries" jsonb NOT NULL DEFAULT '[]',
        "occurrences" integer NOT NULL DEFAULT 1,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "resolved_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_alerts" PRIMARY KEY ("id")
      )`);
    await q.query('CREATE INDEX "IDX_alerts_created_at" ON "alerts" ("created_at")');
    await q.query('CREATE INDEX "IDX_alerts_key_created_at" ON "alerts" ("key", "created_at")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."IDX_alerts_key_created_at"');
    await q.query('DROP INDEX "public"."IDX_alerts_created_at"');
    await q.query('DROP TABLE "alerts"');
  }
}
