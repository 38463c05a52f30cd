import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Configured strategy instances with their state and metrics (src/strategies/nest/strategy-instance.entity.ts). */
export class CreateStrategyInstances1795790000000 implements MigrationInterface {
  name = 'CreateStrategyInstances1795790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "strategy_instances" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "name" character varying(100) NOT NULL,
        "type_id" character varying(64) NOT NULL,
        "symbols" jsonb NOT NULL,
        "timeframe" character varying(8) NOT NULL,
        "params" jsonb NOT NULL,
        "desired_state" character varying(16) NOT NULL,
        "status" character varying(16) NOT NULL,
        "error" text,
        "metrics" jsonb,
        "is_demo" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "UQ_strategy_instances_user_name" UNIQUE ("user_id", "name"),
        CONSTRAINT "PK_strategy_instances" PRIMARY KEY ("id")
      )`);
    await q.query('CREATE INDEX "IDX_strategy_instances_desired" ON "strategy_instances" ("desired_state")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."IDX_strategy_instances_desired"');
    await q.query('DROP TABLE "strategy_instances"');
  }
}
