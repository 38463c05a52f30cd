import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Paise } from '@/common/money';
import type { OrderType, ProductType, Side, Validity } from '@/domain/market';
import type { OrderStatus } from '@/orders/order-state';
import { bigintNumber } from './bigint.transformer';

/** Where an order came from; `EXTERNAL` marks broker orders adopted by reconciliation. */
export type OrderOrigin = 'API' | 'STRATEGY' | 'SYSTEM' | 'EXTERNAL';
/** A bracket or routing child's role relative to `parentOrderId`. */
export type OrderLeg = 'ENTRY' | 'STOP' | 'TARGET' | 'EXIT' | 'SLICE';

@Entity('orders')
@Index('UQ_orders_user_client_order_id', ['userId', 'clientOrderId'], { unique: true })
@Index('UQ_orders_ordertag', ['ordertag'], { unique: true })
@Index('IDX_orders_broker_order_id', ['brokerOrderId'])
@Index('IDX_orders_status', ['status'])
@Index('IDX_orders_user_created', ['userId', 'createdAt'])
@Index('IDX_orders_parent', ['parentOrderId'])
export class OrderEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'client_order_id', type: 'varchar', length: 64 })
  clientOrderId!: string;

  /** SmartAPI ordertag: <=20 chars, from the order_tag_seq sequence, carries the strategy version. */
  @Column({ type: 'varchar', length: 20 })
  ordertag!: string;

  @Column({ name: 'broker_order_id', type: 'varchar', length: 64, nullable: true })
  brokerOrderId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  symbol!: string;

  @Column({ type: 'varchar', length: 4 })
  side!: Side;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ type: 'varchar', length: 8 })
  type!: OrderType;

  @Column({ type: 'varchar', length: 16 })
  product!: ProductType;

  @Column({ type: 'varchar', length: 8 })
  validity!: Validity;

  @Column({ name: 'price_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  pricePaise!: Paise | null;

  @Column({ name: 'trigger_price_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  triggerPricePaise!: Paise | null;

  @Column({ name: 'stop_loss_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  stopLossPaise!: Paise | null;

  @Column({ name: 'take_profit_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  takeProfitPaise!: Paise | null;

  @Column({ name: 'trailing_stop_paise', type: 'bigint', nullable: true, transformer: bigintNumber })
  trailingStopPaise!: Paise | null;

  @Column({ name: 'filled_quantity', type: 'integer', default: 0 })
  filledQuantity!: number;

  @Column({ name: 'avg_price_paise', type: 'bigint', default: 0, transformer: bigintNumber })
  avgPricePaise!: Paise;

  @Column({ type: 'varchar', length: 20 })
  status!: OrderStatus;

  @Column({ name: 'reason_code', type: 'varchar', length: 64, nullable: true })
  reasonCode!: string | null;

  @Column({ name: 'reason_message', type: 'text', nullable: true })
  reasonMessage!: string | null;

  /** Every routing choice made for this order (protection band, slicing, exchange), for audit. */
  @Column({ type: 'jsonb', nullable: true })
  routing!: Record<string, unknown> | null;

  @Column({ name: 'strategy_id', type: 'varchar', length: 64, nullable: true })
  strategyId!: string | null;

  @Column({ name: 'strategy_version', type: 'varchar', length: 32, nullable: true })
  strategyVersion!: string | null;

  @Column({ type: 'varchar', length: 16 })
  origin!: OrderOrigin;

  @Column({ name: 'parent_order_id', type: 'uuid', nullable: true })
  parentOrderId!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  leg!: OrderLeg | null;

  /** Bumped on every state write; updates are conditional on it (optimistic concurrency). */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** The intent is never sent after this instant (it becomes EXPIRED). */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;
}
