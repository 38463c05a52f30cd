import type { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; paise stay far below 2^53, so they are safe as JS numbers. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? v : Number(v)),
};
