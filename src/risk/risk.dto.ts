import { PageQueryDto } from '@/common/page-query.dto';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** Amounts in rupees (numbers with at most two decimals); 0 switches a cap off. */
export class RiskLimitsDto {
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) maxPositionSize?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) maxGrossExposure?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) maxNetExposure?: number;
  @IsOptional() @IsInt() @Min(0) maxOpenPositions?: number;
  @IsOptional() @IsInt() @Min(0) maxOrderQuantity?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) maxOrderValue?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(100) priceBandPercent?: number;
  @IsOptional() @IsInt() @Min(0) @Max(3600) staleTickSeconds?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) maxDailyLoss?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(100) maxDrawdownPercent?: number;
  @IsOptional() @IsInt() @Min(0) lossCooldownCount?: number;
  @IsOptional() @IsInt() @Min(0) lossCooldownSeconds?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) maxOrdersPerSecond?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) strategyMaxDailyLoss?: number;
  @IsOptional() @IsInt() @Min(0) strategyMaxTradesPerDay?: number;
  /** HH:MM IST: no new intraday entries from then, and the automatic square-off. */
  @IsOptional() @Matches(/^([01]\d|2[0-3]):[0-5]\d$/) squareOffTime?: string;
}

export class BreakersDto {
  @IsOptional() @IsBoolean() dailyLoss?: boolean;
  @IsOptional() @IsBoolean() drawdown?: boolean;
  @IsOptional() @IsBoolean() brokerErrors?: boolean;
  @IsOptional() @IsBoolean() unknownOrder?: boolean;
  @IsOptional() @IsBoolean() staleFeed?: boolean;
  @IsOptional() @IsInt() @Min(1) brokerErrorThreshold?: number;
  @IsOptional() @IsInt() @Min(1) brokerErrorWindowSeconds?: number;
  @IsOptional() @IsInt() @Min(1) staleFeedSeconds?: number;
}

export class UpdateRiskLimitsDto extends RiskLimitsDto {
  @IsOptional() @ValidateNested() @Type(() => BreakersDto) breakers?: BreakersDto;
}

export class KillSwitchDto {
  @IsIn(['halt', 'reduce', 'resume']) action!: 'halt' | 'reduce' | 'resume';
  /** With halt: also square off every open position at market. */
  @IsOptional() @IsBoolean() flatten?: boolean;
  @IsString() @MinLength(3) @MaxLength(500) reason!: string;
}

export class RejectionsQueryDto extends PageQueryDto {
  @IsOptional() @IsString() @MaxLength(40) reason?: string;
}
