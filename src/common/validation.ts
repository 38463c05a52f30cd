import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { isExactRupees } from './money';

/** A rupee amount as a decimal number or string with at most two decimals, greater than zero. */
export function IsRupees(opts?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRupees',
      validator: {
        validate: (v: unknown) =>
          (typeof v === 'number' || typeof v === 'string') && isExactRupees(v) && Number(v) > 0,
        defaultMessage: (a) => `${a?.property} must be a positive rupee amount with at most two decimals`,
      },
    },
    opts,
  );
}

/** `EXCHANGE:TRADINGSYMBOL`, e.g. `NSE:SBIN-EQ`. */
export const IsSymbol = () =>
  Matches(/^[A-Z]+:[A-Za-z0-9&_.-]+$/, {
    message: 'symbol must be EXCHANGE:TRADINGSYMBOL, e.g. NSE:SBIN-EQ',
  });
