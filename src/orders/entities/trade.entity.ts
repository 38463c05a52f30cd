import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';
import { bigintNumber } from './bigint.transformer';

/**
 * One fill. Derived from the growth of an order's cumulative filled quantity, so it is keyed by
 * (order, cumulative quantity after the fill): the same growth seen twice (stream, poll, trade book)
 * writes one row.
 */
@Entity('trades')
@Index('UQ_trades_order_cum', ['orderId', 'cumQuantity'], { unique: true })
@Index('IDX_trades_user_time', ['userId', 'filledAt'])
export class TradeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'broker_order_id', type: 'varchar', length: 64, nullable: true })
  brokerOrderId!: string | null;

  @Column({ name: 'broker_fill_id', type: 'varchar', length: 64, nullable: true })
  brokerFillId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  symbol!: string;

  @Column({ type: 'varchar', length: 4 })
  side!: Side;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'cum_quantity', type: 'integer' })
  cumQuantity!: number;

  @Column({ name: 'price_paise', type: 'bigint', transformer: bigintNumber })
  pricePaise!: Paise;

  @Column({ name: 'strategy_id', type: 'varchar', length: 64, nullable: true })
  strategyId!: string | null;

  @Column({ name: 'filled_at', type: 'timestamptz' })
  filledAt!: Date;
}
