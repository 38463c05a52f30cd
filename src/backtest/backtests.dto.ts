import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsRupees } from '@/common/validation';
import { INTERVALS, type Interval, type ProductType } from '@/domain/market';
import { RUN_STATUSES, type RunStatus } from '@/backtest/nest/run.types';

const SYMBOL_RE = /^[A-Z]+:[A-Za-z0-9&_.-]+$/;
const PRODUCTS: readonly ProductType[] = ['INTRADAY', 'DELIVERY', 'CARRYFORWARD'];

/** What to test and how fills and charges work; shared by backtests and optimisations. */
export class BacktestSettingsDto {
  @ApiProperty({ example: 'NSE:SBIN-EQ', description: 'Platform symbol EXCHANGE:TRADINGSYMBOL' })
  @Matches(SYMBOL_RE, { message: 'symbol must be EXCHANGE:TRADINGSYMBOL, e.g. NSE:SBIN-EQ' })
  @MaxLength(64)
  symbol!: string;

  @ApiProperty({ enum: INTERVALS, example: '1m' })
  @IsIn(INTERVALS)
  interval!: Interval;

  @ApiProperty({ example: 'sma-crossover', description: 'Strategy type id (GET /strategies/types)' })
  @IsString()
  @MaxLength(64)
  strategy!: string;

  @ApiPropertyOptional({
    example: { fast: 20, slow: 50 },
    description: "Strategy parameters; defaults fill the rest; each is checked against the type's bounds",
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: '2026-01-05T09:15:00+05:30',
    description: 'Stored candles from this instant (inclusive); required unless `csv` is given',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-01-09T15:30:00+05:30',
    description: 'Stored candles up to this instant (exclusive); required unless `csv` is given',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    description:
      'Your own candles instead of stored ones: CSV text with header timestamp,open,high,low,close,volume (prices in rupees)',
  })
  @IsOptional()
  @IsString()
  csv?: string;

  @ApiPropertyOptional({ description: 'With `csv`: refuse gaps and zero-volume bars too', default: false })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;

  @ApiPropertyOptional({ example: '100000', description: 'Starting capital in rupees', default: '100000' })
  @IsOptional()
  @IsRupees()
  capital?: string | number;

  @ApiPropertyOptional({ enum: ['india', 'none'], default: 'india', description: 'Indian charges or none' })
  @IsOptional()
  @IsIn(['india', 'none'])
  fees?: 'india' | 'none';

  @ApiPropertyOptional({ enum: PRODUCTS, description: 'Default: INTRADAY below 1d, DELIVERY for 1d' })
  @IsOptional()
  @IsIn(PRODUCTS)
  product?: ProductType;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  lotSize?: number;

  @ApiPropertyOptional({ example: '0.05', description: 'Tick size in rupees', default: '0.05' })
  @IsOptional()
  @IsRupees()
  tickSize?: string | number;

  @ApiPropertyOptional({
    enum: ['open', 'close'],
    default: 'open',
    description: "Next bar's open or the close",
  })
  @IsOptional()
  @IsIn(['open', 'close'])
  fillAt?: 'open' | 'close';

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  slippageBps?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  slippageTicks?: number;

  @ApiPropertyOptional({ default: 1, description: "Cap one bar's fill at this share of its volume" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(1)
  maxVolumeShare?: number;

  @ApiPropertyOptional({ enum: ['carry', 'cancel'], default: 'carry' })
  @IsOptional()
  @IsIn(['carry', 'cancel'])
  remainder?: 'carry' | 'cancel';

  @ApiPropertyOptional({ default: 1, minimum: 0.1, maximum: 10 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(10)
  leverage?: number;

  @ApiPropertyOptional({ description: 'Allow short entries' })
  @IsOptional()
  @IsBoolean()
  allowShort?: boolean;

  @ApiPropertyOptional({ example: '15:15', description: "INTRADAY cut-off HH:MM IST, or 'none'" })
  @IsOptional()
  @Matches(/^(none|([01]\d|2[0-3]):[0-5]\d)$/, { message: "squareOffTime must be HH:MM or 'none'" })
  squareOffTime?: string;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;
}

export class CreateBacktestDto extends BacktestSettingsDto {}

/** `POST /backtests/csv`: the body is the CSV itself (text/csv); everything else is in the query. */
export class BacktestCsvQueryDto {
  @ApiProperty({ example: 'NSE:SBIN-EQ' })
  @Matches(SYMBOL_RE, { message: 'symbol must be EXCHANGE:TRADINGSYMBOL, e.g. NSE:SBIN-EQ' })
  @MaxLength(64)
  symbol!: string;

  @ApiProperty({ enum: INTERVALS, example: '1m' })
  @IsIn(INTERVALS)
  interval!: Interval;

  @ApiProperty({ example: 'sma-crossover' })
  @IsString()
  @MaxLength(64)
  strategy!: string;

  @ApiPropertyOptional({ example: '{"fast":20,"slow":50}', description: 'Strategy parameters as JSON' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  params?: string;

  @ApiPropertyOptional({ example: '100000' })
  @IsOptional()
  @IsRupees()
  capital?: string;

  @ApiPropertyOptional({ enum: ['india', 'none'], default: 'india' })
  @IsOptional()
  @IsIn(['india', 'none'])
  fees?: 'india' | 'none';

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  slippageBps?: number;

  @ApiPropertyOptional({ enum: ['open', 'close'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'close'])
  fillAt?: 'open' | 'close';
}

export class RunListQueryDto {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ default: 20, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 20;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

export class TradeListQueryDto {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ default: 500, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  pageSize: number = 500;
}
