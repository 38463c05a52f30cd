import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';

/** A protective stop `pct` percent away from `pricePaise` on the losing side of a `side` entry; {} when pct is 0. */
export function stopBelow(pricePaise: Paise, pct: number, side: Side): { stopLossPaise?: Paise } {
  if (!(pct > 0)) return {};
  const offset = Math.round((pricePaise * pct) / 100);
  return { stopLossPaise: side === 'BUY' ? pricePaise - offset : pricePaise + offset };
}
