import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Exchange, InstrumentType } from '@/domain/market';

const EXCHANGES: Exchange[] = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'];
const TYPES: InstrumentType[] = [
  'EQ',
  'INDEX',
  'FUTIDX',
  'FUTSTK',
  'OPTIDX',
  'OPTSTK',
  'FUTCOM',
  'OPTFUT',
  'OTHER',
];
const SYMBOL = /^[A-Z]{2,4}:[A-Za-z0-9&_.\- ]{1,60}$/;
const toBool = ({ value }: { value: unknown }) => value === true || value === 'true' || value === '1';

export class InstrumentSearchDto {
  /** Matches trading symbol or name, prefix matches first (e.g. `SBIN`). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;

  @IsOptional()
  @IsIn(EXCHANGES)
  exchange?: Exchange;

  @IsOptional()
  @IsIn(TYPES)
  type?: InstrumentType;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 50;
}

export class QuoteQueryDto {
  /** Comma-separated platform symbols, at most 50: `NSE:SBIN-EQ,NSE:INFY-EQ`. */
  @IsString()
  @MaxLength(4000)
  symbols!: string;
}

export class SymbolQueryDto {
  /** Platform symbol, `EXCHANGE:TRADINGSYMBOL`, e.g. `NSE:SBIN-EQ`. */
  @IsString()
  @Matches(SYMBOL, { message: 'symbol must look like NSE:SBIN-EQ' })
  symbol!: string;
}

export class CandleQueryDto extends SymbolQueryDto {
  /** One of 1m, 3m, 5m, 15m, 30m, 1h, 1d. */
  @IsString()
  @MaxLength(8)
  interval!: string;

  /** ISO-8601 with an offset (`2025-03-13T09:15:00+05:30`) or epoch ms. Default: five days (at most the range limit) before `to`. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  /** Exclusive end; ISO-8601 with an offset or epoch ms. Default: now. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  /** Page size (default 1000, at most 5000); follow `nextFrom` for the next page. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class CandleExportQueryDto extends SymbolQueryDto {
  @IsString()
  @MaxLength(8)
  interval!: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

export class CandleImportQueryDto extends SymbolQueryDto {
  @IsString()
  @MaxLength(8)
  interval!: string;

  /** Overwrite stored candles whose values differ (they are reported either way). */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  replace?: boolean;
}

export class BackfillRequestDto extends SymbolQueryDto {
  @IsString()
  @MaxLength(8)
  interval!: string;

  /** ISO-8601 with an offset or epoch ms. */
  @IsString()
  @MaxLength(40)
  from!: string;

  /** Default: now. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}
