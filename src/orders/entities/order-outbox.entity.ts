import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Written in the same transaction as its order: the durable promise that a placement job exists.
 * The relay (re)enqueues rows until the worker claims the order, so a Redis outage never loses one.
 */
@Entity('order_outbox')
@Index('UQ_order_outbox_order', ['orderId'], { unique: true })
@Index('IDX_order_outbox_pending', ['doneAt', 'id'])
export class OrderOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 100 })
  jobId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** Last time the job was handed to Bull (null: never, Redis was down). */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'enqueue_attempts', type: 'integer', default: 0 })
  enqueueAttempts!: number;

  /** Set when the worker claimed (or expired) the order: the row needs no more relaying. */
  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;
}
