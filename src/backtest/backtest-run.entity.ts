import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BacktestMetrics } from '@/backtest/metrics';
import type {
  RunKind,
  RunStatus,
  StoredEquityPoint,
  StoredOptimization,
  StoredRunSpec,
  StoredTrade,
} from '@/backtest/nest/run.types';

/**
 * One queued backtest or optimisation and, once finished, its results. Money inside the jsonb columns
 * is integer paise (prices may be fractional paise when fills averaged); the API converts to rupees.
 * The heavy columns (trades, equity, report, input CSV) are read only by the routes that serve them.
 */
@Entity('backtest_runs')
@Index('IDX_backtest_runs_user_kind_created', ['userId', 'kind', 'createdAt'])
@Index('IDX_backtest_runs_kind_created', ['kind', 'createdAt'])
@Index('IDX_backtest_runs_status', ['status'])
export class BacktestRunEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_backtest_runs' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RunKind;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** 0..1, written by the worker as bars are processed. */
  @Column({ type: 'double precision', default: 0 })
  progress!: number;

  @Column({ type: 'jsonb' })
  spec!: StoredRunSpec;

  /** A user's own candles (text/csv or the JSON `csv` field), kept so the run can be reproduced. */
  @Column({ name: 'input_csv', type: 'text', nullable: true })
  inputCsv!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metrics!: BacktestMetrics | null;

  @Column({ type: 'jsonb', nullable: true })
  trades!: StoredTrade[] | null;

  @Column({ type: 'jsonb', nullable: true })
  equity!: StoredEquityPoint[] | null;

  /** Optimisations: the ranked candidate table, or the walk-forward windows and stitched equity. */
  @Column({ type: 'jsonb', nullable: true })
  optimization!: StoredOptimization | null;

  /** The self-contained HTML report, rendered once from the full result (the stored equity is sampled). */
  @Column({ name: 'report_html', type: 'text', nullable: true })
  reportHtml!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
