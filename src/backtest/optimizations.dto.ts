import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BacktestRunDto } from '@/backtest/backtest-results.dto';
import { BacktestSettingsDto } from '@/backtest/backtests.dto';

const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'profitFactor', 'returnUnderDrawdownCap'] as const;

/** One parameter's candidate values: a list, or min..max by step. */
export class ParamRangeDto {
  @ApiProperty({ example: 'fast' })
  @IsString()
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({
    example: [5, 10, 20],
    description: 'Explicit values (numbers, strings or booleans)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  values?: (number | string | boolean)[];

  @ApiPropertyOptional({ example: 5 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number;

  @ApiPropertyOptional({ example: 40 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number;

  @ApiPropertyOptional({ example: 5, default: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-9)
  step?: number;
}

export class CreateOptimizationDto extends BacktestSettingsDto {
  @ApiProperty({ enum: ['grid', 'random', 'walk-forward'] })
  @IsIn(['grid', 'random', 'walk-forward'])
  method!: 'grid' | 'random' | 'walk-forward';

  @ApiProperty({ type: [ParamRangeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ParamRangeDto)
  ranges!: ParamRangeDto[];

  @ApiPropertyOptional({ enum: OBJECTIVES, default: 'sharpe' })
  @IsOptional()
  @IsIn(OBJECTIVES)
  objective?: (typeof OBJECTIVES)[number];

  @ApiPropertyOptional({
    description: 'Random search: candidates to draw (walk-forward: draw instead of the grid)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  samples?: number;

  @ApiPropertyOptional({
    description: 'returnUnderDrawdownCap: the largest drawdown allowed (fraction)',
    default: 0.2,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(1)
  maxDrawdownCap?: number;

  @ApiPropertyOptional({ description: 'Grid/random: share of bars in sample', default: 0.7 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(0.95)
  inSampleShare?: number;

  @ApiPropertyOptional({ description: 'Walk-forward: bars per in-sample window' })
  @IsOptional()
  @IsInt()
  @Min(10)
  inSampleBars?: number;

  @ApiPropertyOptional({ description: 'Walk-forward: bars per out-of-sample window' })
  @IsOptional()
  @IsInt()
  @Min(10)
  outOfSampleBars?: number;

  @ApiPropertyOptional({ enum: ['rolling', 'anchored'], default: 'rolling' })
  @IsOptional()
  @IsIn(['rolling', 'anchored'])
  mode?: 'rolling' | 'anchored';
}

export class CandidateDto {
  @ApiProperty() rank!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ nullable: true, description: 'In-sample objective; null when undefined (no trades)' })
  inSample!: number | null;
  @ApiProperty({ nullable: true }) outOfSample!: number | null;
  @ApiProperty({ nullable: true, description: '1 - OOS/IS: positive = worse out of sample' })
  degradation!: number | null;
  @ApiPropertyOptional() error?: string;
}

export class WindowDto {
  @ApiProperty({ description: 'ISO UTC [start, end) of the in-sample window' }) inSample!: [string, string];
  @ApiProperty({ description: 'ISO UTC [start, end) of the out-of-sample window' }) outOfSample!: [
    string,
    string,
  ];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) best!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ nullable: true }) inSampleScore!: number | null;
  @ApiProperty({ nullable: true }) outOfSampleScore!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  outOfSampleMetrics!: Record<string, number | null> | null;
}

export class OptimizationRunDto extends BacktestRunDto {
  @ApiPropertyOptional({
    type: [CandidateDto],
    description: 'Grid/random: every candidate, ranked by in-sample score',
  })
  candidates?: CandidateDto[];

  @ApiPropertyOptional({ type: [WindowDto], description: 'Walk-forward windows' })
  windows?: WindowDto[];

  @ApiPropertyOptional({ description: 'Walk-forward: stitched out-of-sample equity (rupees)' })
  equity?: { time: string; equity: number; drawdown: number }[];
}
