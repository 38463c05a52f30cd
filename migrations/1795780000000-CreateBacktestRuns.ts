import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Queued backtests and optimisations with their results (src/backtest/backtest-run.entity.ts). */
export class CreateBacktestRuns1795780000000 implements MigrationInterface {
  name = 'CreateBacktestRuns1795780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "backtest_runs" (
        "id" uuid NOT NULL,
        "kind" character varying(16) NOT NULL,
        "user_id" uuid NOT NULL,
        "status" character varying(16) NOT NULL,
        "progress" double precision NOT NULL DEFAULT 0,
        "spec" jsonb NOT NULL,
        "input_csv" text,
        "metrics" jsonb,
        "trades" jsonb,
        "equity" jsonb,
        "optimization" jsonb,
        "report_html" text,
        "error_code" character varying(64),
        "error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_backtest_runs" PRIMARY KEY ("id")
      )`);
    await q.query(
      'CREATE INDEX "IDX_backtest_runs_user_kind_created" ON "backtest_runs" ("user_id", "kind", "created_at")',
    );
    await q.query('CREATE INDEX "IDX_backtest_runs_kind_created" ON "backtest_runs" ("kind", "created_at")');
    await q.query('CREATE INDEX "IDX_backtest_runs_status" ON "backtest_runs" ("status")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."IDX_backtest_runs_status"');
    await q.query('DROP INDEX "public"."IDX_backtest_runs_kind_created"');
    await q.query('DROP INDEX "public"."IDX_backtest_runs_user_kind_created"');
    await q.query('DROP TABLE "backtest_runs"');
  }
}
