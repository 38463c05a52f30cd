import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { INTERVALS, type Interval } from '@/domain/market';

const SYMBOL_RE = /^[A-Z]+:[A-Za-z0-9&_.-]+$/;

export class CreateStrategyDto {
  @ApiProperty({ description: 'Strategy type id from GET /strategies/types', example: 'sma-crossover' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, {
    message: 'type must be a strategy type id (lowercase letters, digits, dashes)',
  })
  type!: string;

  @ApiProperty({
    description: 'A name unique among your instances',
    example: 'SBIN trend 1m',
    minLength: 1,
    maxLength: 100,
  })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    description: 'Instruments, EXCHANGE:TRADINGSYMBOL',
    example: ['NSE:SBIN-EQ'],
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(SYMBOL_RE, { each: true, message: 'each symbol must be EXCHANGE:TRADINGSYMBOL' })
  symbols!: string[];

  @ApiProperty({ description: 'Base candle interval', enum: INTERVALS, example: '1m' })
  @IsIn(INTERVALS)
  timeframe!: Interval;

  @ApiPropertyOptional({
    description:
      "Parameters by name (see the type's schema); omitted ones take their defaults; unknown or out-of-bounds ones are a 400 naming them",
    example: { fast: 20, slow: 50 },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class UpdateStrategyDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(SYMBOL_RE, { each: true, message: 'each symbol must be EXCHANGE:TRADINGSYMBOL' })
  symbols?: string[];

  @ApiPropertyOptional({ enum: INTERVALS })
  @IsOptional()
  @IsIn(INTERVALS)
  timeframe?: Interval;

  @ApiPropertyOptional({
    description: 'Replaces the parameters (defaults fill the rest)',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class ParamDescriptionDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['integer', 'number', 'boolean', 'choice'] }) kind!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }] }) default!:
    number | boolean | string;
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
  @ApiPropertyOptional({ type: [String] }) choices?: readonly string[];
}

export class StrategyTypeDto {
  @ApiProperty({ example: 'sma-crossover' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['builtin', 'user'] }) source!: string;
  @ApiPropertyOptional({ description: 'Module file of a user strategy' }) file?: string;
  @ApiProperty({ type: [ParamDescriptionDto] }) params!: ParamDescriptionDto[];
  @ApiProperty({ description: 'Warm-up bars with the default parameters' }) defaultWarmupBars!: number;
}

export class StrategyLoadErrorDto {
  @ApiProperty() file!: string;
  @ApiProperty() message!: string;
}

export class StrategyTypesDto {
  @ApiProperty({ type: [StrategyTypeDto] }) types!: StrategyTypeDto[];
  @ApiProperty({
    type: [StrategyLoadErrorDto],
    description: 'User modules in STRATEGIES_DIR that failed to load',
  })
  loadErrors!: StrategyLoadErrorDto[];
}

export class StrategyMetricsDto {
  @ApiProperty() signals!: number;
  @ApiProperty() signalsSent!: number;
  @ApiProperty() executorRejections!: number;
  @ApiProperty() trades!: number;
  @ApiProperty() wins!: number;
  @ApiProperty() losses!: number;
  @ApiProperty() consecutiveLosses!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'wins / trades, net of charges' }) winRate!:
    number | null;
  @ApiProperty({ description: 'Realised P&L net of charges, rupees', example: '125.50' })
  realisedPnl!: string;
  @ApiProperty({ description: 'Unrealised P&L at the last price seen, rupees' }) unrealisedPnl!: string;
  @ApiProperty({ description: 'Charges, rupees' }) charges!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Annualised Sharpe of daily net P&L' }) sharpe!:
    number | null;
  @ApiProperty({ nullable: true, type: String }) lastSignalAt!: string | null;
}

export class StrategyInstanceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'sma-crossover' }) type!: string;
  @ApiProperty({ type: [String] }) symbols!: string[];
  @ApiProperty({ enum: INTERVALS }) timeframe!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ enum: ['RUNNING', 'STOPPED'], description: 'What was asked for' }) desiredState!: string;
  @ApiProperty({
    enum: ['STOPPED', 'STARTING', 'RUNNING', 'ERRORED'],
    description: 'What the engine reports',
  })
  status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the instance errored' }) error!:
    string | null;
  @ApiProperty({ type: StrategyMetricsDto, nullable: true }) metrics!: StrategyMetricsDto | null;
  @ApiProperty() isDemo!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
