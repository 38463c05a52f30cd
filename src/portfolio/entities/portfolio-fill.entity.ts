import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Side } from '@/domain/market';
import { bigintNumber } from '@/orders/entities/bigint.transformer';

/**
 * The portfolio's trade journal: every fill it applied, with the charges and realised P&L it booked.
 * Replayed at start-up to rebuild positions; (order, cumulative quantity) makes a repeated fill a no-op.
 */
@Entity('portfolio_fills')
@Index('UQ_portfolio_fills_order_cum', ['orderId', 'cumQuantity'], { unique: true })
@Index('IDX_portfolio_fills_user_at', ['userId', 'at'])
@Index('IDX_portfolio_fills_at', ['at'])
export class PortfolioFillEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_portfolio_fills' })
  id!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  @Column({ name: 'cum_quantity', type: 'integer' })
  cumQuantity!: number;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ name: 'strategy_id', type: 'varchar', length: 100, nullable: true })
  strategyId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  symbol!: string;

  @Column({ type: 'varchar', length: 4 })
  side!: Side;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'price_paise', type: 'bigint', transformer: bigintNumber })
  pricePaise!: number;

  @Column({ name: 'charges_paise', type: 'bigint', transformer: bigintNumber })
  chargesPaise!: number;

  /** Realised P&L this fill booked in the account book (average cost), before charges. */
  @Column({ name: 'realised_paise', type: 'bigint', transformer: bigintNumber })
  realisedPaise!: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  product!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
