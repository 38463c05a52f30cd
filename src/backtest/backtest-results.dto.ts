import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_STATUSES, type RunStatus } from '@/backtest/nest/run.types';

/** What the backtest routes answer: money in rupees, times ISO-8601 UTC (docs/backtesting.md). */
export class RunAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: RUN_STATUSES, example: 'queued' })
  status!: RunStatus;
}

export class BacktestRunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['backtest', 'optimization'] })
  kind!: 'backtest' | 'optimization';

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: RUN_STATUSES })
  status!: RunStatus;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of bars processed' })
  progress!: number;

  @ApiProperty({
    description: 'What was asked: symbol, interval, strategy, params, capital, fees, fills, source',
  })
  spec!: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Metrics as in docs/backtesting.md (money in rupees, ratios as fractions); null until completed',
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    nullable: true,
  })
  metrics!: Record<string, number | null> | null;

  @ApiPropertyOptional({ nullable: true })
  errorCode!: string | null;

  @ApiPropertyOptional({ nullable: true })
  error!: string | null;

  @ApiProperty()
  createdAt!: string;

  @ApiPropertyOptional({ nullable: true })
  startedAt!: string | null;

  @ApiPropertyOptional({ nullable: true })
  finishedAt!: string | null;
}

export class RunPageDto {
  @ApiProperty({ type: [BacktestRunDto] })
  items!: BacktestRunDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}

export class TradeDto {
  @ApiProperty() entryTime!: string;
  @ApiProperty() exitTime!: string;
  @ApiProperty({ enum: ['LONG', 'SHORT'] }) side!: 'LONG' | 'SHORT';
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: 'Rupees' }) entryPrice!: number;
  @ApiProperty({ description: 'Rupees' }) exitPrice!: number;
  @ApiProperty({ description: 'Net of charges, rupees' }) pnl!: number;
  @ApiProperty({ description: 'Rupees' }) charges!: number;
  @ApiProperty({ description: 'Before charges, rupees' }) grossPnl!: number;
  @ApiProperty({ example: 'SIGNAL' }) exitReason!: string;
}

export class TradePageDto {
  @ApiProperty({ type: [TradeDto] })
  items!: TradeDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}

export class EquityPointDto {
  @ApiProperty({ description: 'Bar close, ISO-8601 UTC' }) time!: string;
  @ApiProperty({ description: 'Rupees' }) equity!: number;
  @ApiProperty({ description: 'Fraction below the running peak (<= 0)' }) drawdown!: number;
}

export class EquityDto {
  @ApiProperty({ description: 'Rupees' })
  startingCapital!: number;

  @ApiProperty({
    type: [EquityPointDto],
    description: 'At most 5000 points; each keeps its bucket’s deepest drawdown',
  })
  points!: EquityPointDto[];
}
