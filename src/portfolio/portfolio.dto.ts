import { PageQueryDto } from '@/common/page-query.dto';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsOptional, IsString, MaxLength } from 'class-validator';

export class PositionsQueryDto {
  /** Only this strategy's positions (`manual` is the empty id of API orders). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  strategy?: string;

  /** Include positions closed today (they carry the day's realised P&L). */
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  includeFlat?: boolean;
}

export class EquityQueryDto {
  /** ISO-8601 start (inclusive); default 24 hours before `to`. */
  @IsOptional()
  @IsDateString()
  from?: string;

  /** ISO-8601 end (inclusive); default now. */
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class TradesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  symbol?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  strategy?: string;
}
