import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Risk state and rejections, equity snapshots and the portfolio trade journal. Hand-written to match
 * src/risk/entities/*.entity.ts and src/portfolio/entities/*.entity.ts exactly.
 */
export class CreateRiskAndPortfolio1795770000000 implements MigrationInterface {
  name = 'CreateRiskAndPortfolio1795770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "risk_state" (
      "id" character varying(32) NOT NULL,
      "state" character varying(16) NOT NULL,
      "reason" character varying(500) NOT NULL DEFAULT '',
      "changed_by" character varying(100),
      "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "limits" jsonb NOT NULL DEFAULT '{}',
      "breakers" jsonb NOT NULL DEFAULT '{}',
      "peak_equity_paise" bigint NOT NULL DEFAULT '0',
      CONSTRAINT "PK_risk_state" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "risk_rejections" (
      "id" BIGSERIAL NOT NULL,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "user_id" character varying(64),
      "strategy_id" character varying(100),
      "symbol" character varying(64) NOT NULL,
      "side" character varying(4) NOT NULL,
      "quantity" integer NOT NULL,
      "reason" character varying(40) NOT NULL,
      "message" character varying(500) NOT NULL,
      CONSTRAINT "PK_risk_rejections" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_risk_rejections_at" ON "risk_rejections" ("at")`);
    await q.query(`CREATE INDEX "IDX_risk_rejections_user_at" ON "risk_rejections" ("user_id", "at")`);
    await q.query(`CREATE TABLE "equity_snapshots" (
      "id" BIGSERIAL NOT NULL,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "equity_paise" bigint NOT NULL,
      "peak_equity_paise" bigint NOT NULL,
      "realised_paise" bigint NOT NULL,
      "unrealised_paise" bigint NOT NULL,
      "charges_paise" bigint NOT NULL,
      "day_pnl_paise" bigint NOT NULL,
      "gross_exposure_paise" bigint NOT NULL,
      "open_positions" integer NOT NULL,
      CONSTRAINT "PK_equity_snapshots" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_equity_snapshots_at" ON "equity_snapshots" ("at")`);
    await q.query(`CREATE TABLE "portfolio_fills" (
      "id" BIGSERIAL NOT NULL,
      "order_id" character varying(64) NOT NULL,
      "cum_quantity" integer NOT NULL,
      "user_id" character varying(64) NOT NULL,
      "strategy_id" character varying(100),
      "symbol" character varying(64) NOT NULL,
      "side" character varying(4) NOT NULL,
      "quantity" integer NOT NULL,
      "price_paise" bigint NOT NULL,
      "charges_paise" bigint NOT NULL,
      "realised_paise" bigint NOT NULL,
      "product" character varying(16),
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_portfolio_fills" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_portfolio_fills_order_cum" ON "portfolio_fills" ("order_id", "cum_quantity")`);
    await q.query(`CREATE INDEX "IDX_portfolio_fills_user_at" ON "portfolio_fills" ("user_id", "at")`);
    await q.query(`CREATE INDEX "IDX_portfolio_fills_at" ON "portfolio_fills" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_portfolio_fills_at"`);
    await q.query(`DROP INDEX "public"."IDX_portfolio_fills_user_at"`);
    await q.query(`DROP INDEX "public"."UQ_portfolio_fills_order_cum"`);
    await q.query(`DROP TABLE "portfolio_fills"`);
    await q.query(`DROP INDEX "public"."IDX_equity_snapshots_at"`);
    await q.query(`DROP TABLE "equity_snapshots"`);
    await q.query(`DROP INDEX "public"."IDX_risk_rejections_user_at"`);
    await q.query(`DROP INDEX "public"."IDX_risk_rejections_at"`);
    await q.query(`DROP TABLE "risk_rejections"`);
    await q.query(`DROP TABLE "risk_state"`);
  }
}
