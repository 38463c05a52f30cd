import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AlertSeverity, AlertStatus, DeliveryResult } from './alert.types';

/** History of in-app alerts (GET /api/v1/alerts). One row per delivered (or suppressed-by-rate) alert; de-duplicated repeats bump `occurrences`. */
@Entity('alerts')
@Index('IDX_alerts_created_at', ['createdAt'])
@Index('IDX_alerts_key_created_at', ['key', 'createdAt'])
export class AlertEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_alerts' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  key!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: AlertStatus;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  deliveries!: DeliveryResult[];

  @Column({ type: 'integer', default: 1 })
  occurrences!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
