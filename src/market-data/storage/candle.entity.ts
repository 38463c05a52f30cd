import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { Paise } from '@/common/money';
import type { Interval } from '@/domain/market';

/** pg returns bigint as a string; paise and volumes stay far below 2^53, so they are safe as JS numbers. */
const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? v : Number(v)),
};

export type CandleSource = 'ticks' | 'broker' | 'import';

/**
 * One closed candle. The natural key (symbol, interval, start) is the primary key, so a candle is
 * stored once whichever way it arrives (built from ticks, backfilled, imported); range reads by
 * symbol and interval walk the same index.
 */
@Entity('candles')
export class CandleEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_candles' })
  symbol!: string;

  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_candles' })
  interval!: Interval;

  /** Bucket start, UTC (session-aligned; daily candles start at the session open). */
  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_candles' })
  start!: Date;

  @Column({ name: 'open_paise', type: 'bigint', transformer: bigintNumber })
  openPaise!: Paise;

  @Column({ name: 'high_paise', type: 'bigint', transformer: bigintNumber })
  highPaise!: Paise;

  @Column({ name: 'low_paise', type: 'bigint', transformer: bigintNumber })
  lowPaise!: Paise;

  @Column({ name: 'close_paise', type: 'bigint', transformer: bigintNumber })
  closePaise!: Paise;

  @Column({ type: 'bigint', transformer: bigintNumber })
  volume!: number;

  @Column({ type: 'varchar', length: 8 })
  source!: CandleSource;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
