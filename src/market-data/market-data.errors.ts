import { HttpStatus } from '@nestjs/common';
import { AppError } from '@/common/errors';

export enum MarketDataErrorCode {
  UnknownSymbol = 'UNKNOWN_SYMBOL',
  BadInterval = 'BAD_INTERVAL',
  BadRange = 'BAD_RANGE',
  BadCsv = 'BAD_CSV',
  FeedUnavailable = 'FEED_UNAVAILABLE',
}

export class UnknownSymbolError extends AppError {
  constructor(symbols: string[]) {
    super(
      MarketDataErrorCode.UnknownSymbol,
      `unknown symbol${symbols.length > 1 ? 's' : ''}: ${symbols.join(', ')}`,
      HttpStatus.NOT_FOUND,
      { symbols },
    );
  }
}

export class BadRangeError extends AppError {
  constructor(message: string, details?: unknown) {
    super(MarketDataErrorCode.BadRange, message, HttpStatus.BAD_REQUEST, details);
  }
}

export class BadIntervalError extends AppError {
  constructor(interval: string) {
    super(
      MarketDataErrorCode.BadInterval,
      `unknown interval ${JSON.stringify(interval)}: use one of 1m, 3m, 5m, 15m, 30m, 1h, 1d`,
      HttpStatus.BAD_REQUEST,
      { interval },
    );
  }
}

export class BadCsvError extends AppError {
  constructor(errors: { line: number; reason: string }[]) {
    const first = errors[0];
    super(
      MarketDataErrorCode.BadCsv,
      `file refused: line ${first.line}: ${first.reason}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
      HttpStatus.BAD_REQUEST,
      { errors },
    );
  }
}
