import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { Interval } from '@/domain/market';
import type { InstanceMetricsSnapshot } from '@/strategies/engine';

/** What the user asked for; the engine host reconciles its running instances with it. */
export type DesiredState = 'RUNNING' | 'STOPPED';
/** What the engine last reported. */
export type ReportedStatus = 'STOPPED' | 'STARTING' | 'RUNNING' | 'ERRORED';

/**
 * One configured strategy instance: its type, instruments, timeframe and validated parameters, the
 * state the user asked for, the status the engine last reported (with its error) and the latest
 * metrics snapshot (money inside it in integer paise).
 */
@Entity('strategy_instances')
@Unique('UQ_strategy_instances_user_name', ['userId', 'name'])
@Index('IDX_strategy_instances_desired', ['desiredState'])
export class StrategyInstanceEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_strategy_instances' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'type_id', type: 'varchar', length: 64 })
  typeId!: string;

  @Column({ type: 'jsonb' })
  symbols!: string[];

  @Column({ type: 'varchar', length: 8 })
  timeframe!: Interval;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ name: 'desired_state', type: 'varchar', length: 16 })
  desiredState!: DesiredState;

  @Column({ type: 'varchar', length: 16 })
  status!: ReportedStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metrics!: InstanceMetricsSnapshot | null;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
