import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Closed candles keyed by (symbol, interval, start), prices in paise. Matches src/market-data/storage/candle.entity.ts. */
export class CreateCandles1795741639272 implements MigrationInterface {
  name = 'CreateCandles1795741639272';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "candles" (
      "symbol" character varying(64) NOT NULL,
      "interval" character varying(8) NOT NULL,
      "start" TIMESTAMP WITH TIME ZONE NOT NULL,
      "open_paise" bigint NOT NULL,
      "high_paise" bigint NOT NULL,
      "low_paise" bigint NOT NULL,
      "close_paise" bigint NOT NULL,
      "volume" bigint NOT NULL,
      "source" character varying(8) NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_candles" PRIMARY KEY ("symbol", "interval", "start")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "candles"`);
  }
}
