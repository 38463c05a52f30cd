import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { EventSource, OrderStatus } from '@/orders/order-state';

/** Append-only history of an order: every transition and every notable action, naming its source. */
@Entity('order_events')
@Index('IDX_order_events_order', ['orderId', 'id'])
export class OrderEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: EventSource;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus!: OrderStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 20, nullable: true })
  toStatus!: OrderStatus | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
