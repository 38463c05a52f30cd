import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@/orders/entities/bigint.transformer';

/** The account's equity and P&L, once a minute (GET /api/v1/portfolio/equity, the drawdown peak). */
@Entity('equity_snapshots')
@Index('IDX_equity_snapshots_at', ['at'])
export class EquitySnapshotEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_equity_snapshots' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'equity_paise', type: 'bigint', transformer: bigintNumber })
  equityPaise!: number;

  @Column({ name: 'peak_equity_paise', type: 'bigint', transformer: bigintNumber })
  peakEquityPaise!: number;

  @Column({ name: 'realised_paise', type: 'bigint', transformer: bigintNumber })
  realisedPaise!: number;

  @Column({ name: 'unrealised_paise', type: 'bigint', transformer: bigintNumber })
  unrealisedPaise!: number;

  @Column({ name: 'charges_paise', type: 'bigint', transformer: bigintNumber })
  chargesPaise!: number;

  @Column({ name: 'day_pnl_paise', type: 'bigint', transformer: bigintNumber })
  dayPnlPaise!: number;

  @Column({ name: 'gross_exposure_paise', type: 'bigint', transformer: bigintNumber })
  grossExposurePaise!: number;

  @Column({ name: 'open_positions', type: 'integer' })
  openPositions!: number;
}
