import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders, their append-only events, the placement outbox, fills (trades), reconciliation runs and the
 * sequence behind broker ordertags. Hand-written to match src/orders/entities/*.entity.ts exactly.
 */
export class CreateOrders1795741601118 implements MigrationInterface {
  name = 'CreateOrders1795741601118';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`);
    await q.query(`CREATE SEQUENCE IF NOT EXISTS "order_tag_seq" AS bigint START WITH 1 INCREMENT BY 1`);
    await q.query(`CREATE TABLE "orders" (
      "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
      "user_id" uuid NOT NULL,
      "client_order_id" character varying(64) NOT NULL,
      "ordertag" character varying(20) NOT NULL,
      "broker_order_id" character varying(64),
      "symbol" character varying(64) NOT NULL,
      "side" character varying(4) NOT NULL,
      "quantity" integer NOT NULL,
      "type" character varying(8) NOT NULL,
      "product" character varying(16) NOT NULL,
      "validity" character varying(8) NOT NULL,
      "price_paise" bigint,
      "trigger_price_paise" bigint,
      "stop_loss_paise" bigint,
      "take_profit_paise" bigint,
      "trailing_stop_paise" bigint,
      "filled_quantity" integer NOT NULL DEFAULT 0,
      "avg_price_paise" bigint NOT NULL DEFAULT 0,
      "status" character varying(20) NOT NULL,
      "reason_code" character varying(64),
      "reason_message" text,
      "routing" jsonb,
      "strategy_id" character varying(64),
      "strategy_version" character varying(32),
      "origin" character varying(16) NOT NULL,
      "parent_order_id" uuid,
      "leg" character varying(8),
      "version" integer NOT NULL DEFAULT 0,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "submitted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_orders_user_client_order_id" ON "orders" ("user_id", "client_order_id")`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_orders_ordertag" ON "orders" ("ordertag")`);
    await q.query(`CREATE INDEX "IDX_orders_broker_order_id" ON "orders" ("broker_order_id")`);
    await q.query(`CREATE INDEX "IDX_orders_status" ON "orders" ("status")`);
    await q.query(`CREATE INDEX "IDX_orders_user_created" ON "orders" ("user_id", "created_at")`);
    await q.query(`CREATE INDEX "IDX_orders_parent" ON "orders" ("parent_order_id")`);

    await q.query(`CREATE TABLE "order_events" (
      "id" BIGSERIAL NOT NULL,
      "order_id" uuid NOT NULL,
      "source" character varying(16) NOT NULL,
      "type" character varying(32) NOT NULL,
      "from_status" character varying(20),
      "to_status" character varying(20),
      "details" jsonb,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_cc1b82b0fcf1be577d9d7ecbf8b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_order_events_order" ON "order_events" ("order_id", "id")`);

    await q.query(`CREATE TABLE "order_outbox" (
      "id" BIGSERIAL NOT NULL,
      "order_id" uuid NOT NULL,
      "job_id" character varying(100) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "enqueued_at" TIMESTAMP WITH TIME ZONE,
      "enqueue_attempts" integer NOT NULL DEFAULT 0,
      "done_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_079516a4e9915212c6b904fe50b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_order_outbox_order" ON "order_outbox" ("order_id")`);
    await q.query(`CREATE INDEX "IDX_order_outbox_pending" ON "order_outbox" ("done_at", "id")`);

    await q.query(`CREATE TABLE "trades" (
      "id" BIGSERIAL NOT NULL,
      "order_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "broker_order_id" character varying(64),
      "broker_fill_id" character varying(64),
      "symbol" character varying(64) NOT NULL,
      "side" character varying(4) NOT NULL,
      "quantity" integer NOT NULL,
      "cum_quantity" integer NOT NULL,
      "price_paise" bigint NOT NULL,
      "strategy_id" character varying(64),
      "filled_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_c6d7c36a837411ba5194dc58595" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_trades_order_cum" ON "trades" ("order_id", "cum_quantity")`);
    await q.query(`CREATE INDEX "IDX_trades_user_time" ON "trades" ("user_id", "filled_at")`);

    await q.query(`CREATE TABLE "reconciliation_runs" (
      "id" BIGSERIAL NOT NULL,
      "trigger" character varying(16) NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "finished_at" TIMESTAMP WITH TIME ZONE,
      "ok" boolean NOT NULL,
      "report" jsonb NOT NULL,
      CONSTRAINT "PK_4edbdb165c9e754997036a4176a" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_reconciliation_runs_started" ON "reconciliation_runs" ("started_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "reconciliation_runs"`);
    await q.query(`DROP TABLE "trades"`);
    await q.query(`DROP TABLE "order_outbox"`);
    await q.query(`DROP TABLE "order_events"`);
    await q.query(`DROP TABLE "orders"`);
    await q.query(`DROP SEQUENCE "order_tag_seq"`);
  }
}
