import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The broker instrument master. Matches src/broker/instruments/instrument.entity.ts. */
export class CreateInstruments1795760000001 implements MigrationInterface {
  name = 'CreateInstruments1795760000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "instruments" (
      "exchange" character varying(8) NOT NULL,
      "token" character varying(32) NOT NULL,
      "symbol" character varying(80) NOT NULL,
      "trading_symbol" character varying(64) NOT NULL,
      "name" character varying(128) NOT NULL,
      "instrument_type" character varying(16) NOT NULL,
      "expiry" date,
      "strike_paise" bigint,
      "option_type" character varying(2),
      "lot_size" integer NOT NULL,
      "tick_size_paise" bigint NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_instruments_symbol" UNIQUE ("symbol"),
      CONSTRAINT "PK_instruments" PRIMARY KEY ("exchange", "token")
    )`);
    await q.query(`CREATE INDEX "IDX_instruments_trading_symbol" ON "instruments" ("trading_symbol")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_instruments_trading_symbol"`);
    await q.query(`DROP TABLE "instruments"`);
  }
}
