import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One reconciliation pass against the broker, with the readable difference it found and what it fixed. */
@Entity('reconciliation_runs')
@Index('IDX_reconciliation_runs_started', ['startedAt'])
export class ReconciliationRunEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  trigger!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** True when local and broker state agree after the fixes it is allowed to make. */
  @Column({ type: 'boolean' })
  ok!: boolean;

  @Column({ type: 'jsonb' })
  report!: Record<string, unknown>;
}
