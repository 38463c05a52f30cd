import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TradingState } from '@/domain/execution';
import { bigintNumber } from '@/orders/entities/bigint.transformer';
import type { RiskLimits } from '../risk-types';

/**
 * The account's trading state, limits and breaker switches: one row (`id = 'account'`), so a HALT
 * survives a restart and the process comes back halted.
 */
@Entity('risk_state')
export class RiskStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_risk_state' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: TradingState;

  @Column({ type: 'varchar', length: 500, default: '' })
  reason!: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 100, nullable: true })
  changedBy!: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  /** Overrides of the configured limits set through PUT /risk/limits. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  limits!: Partial<RiskLimits>;

  /** Automatic breaker switches and thresholds. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  breakers!: Record<string, unknown>;

  @Column({ name: 'peak_equity_paise', type: 'bigint', default: 0, transformer: bigintNumber })
  peakEquityPaise!: number;
}
