import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Side } from '@/domain/market';

/** Every pre-trade refusal with its reason code (GET /api/v1/risk/rejections). */
@Entity('risk_rejections')
@Index('IDX_risk_rejections_at', ['at'])
@Index('IDX_risk_rejections_user_at', ['userId', 'at'])
export class RiskRejectionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_risk_rejections' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId!: string | null;

  @Column({ name: 'strategy_id', type: 'varchar', length: 100, nullable: true })
  strategyId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  symbol!: string;

  @Column({ type: 'varchar', length: 4 })
  side!: Side;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ type: 'varchar', length: 40 })
  reason!: string;

  @Column({ type: 'varchar', length: 500 })
  message!: string;
}
