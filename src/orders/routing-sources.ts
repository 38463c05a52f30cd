/**
 * The platform's routing inputs, bound for the orders runtime: protection bands per exchange from
 * ORDER_MARKET_PROTECTION, freeze quantities from config/freeze-quantities.json, the latest ticks (with
 * depth) from the market-data cache, the NSE/BSE counterpart from the instrument master, and the
 * portfolio's positions (an order never moves away from the listing where the user's position is).
 */
import type { Tick } from '@/domain/market';
import type { OrderIntent } from '@/domain/execution';
import { loadFreezeQuantities, type FreezeLookup } from './freeze-quantities';
import type { RoutingSettings } from './order-placement.service';
import { counterpartSymbols, parseProtectionBands } from './order-routing';
import { SYSTEM_USER_ID, type InstrumentLookup } from './orders.ports';

export interface RoutingSourceDeps {
  protection: string;
  staleMs: number;
  instruments: InstrumentLookup;
  ticks: (symbols: string[]) => Promise<Map<string, Tick>>;
  positions: () => Promise<{ userId: string; symbol: string; product: string; quantity: number }[]>;
  freeze?: FreezeLookup;
}

export function platformRouting(d: RoutingSourceDeps): RoutingSettings {
  const bands = parseProtectionBands(d.protection);
  const freeze = d.freeze ?? loadFreezeQuantities();
  return {
    marketProtectionPercent: 0,
    protectionPercent: (inst) => bands[inst.exchange],
    freezeQuantity: freeze,
    ticks: d.ticks,
    staleMs: d.staleMs,
    counterpart: async (inst) => {
      for (const s of counterpartSymbols(inst)) {
        const other = await d.instruments.get(s);
        if (other) return other;
      }
      return undefined;
    },
    mayReroute: async (intent: OrderIntent, requested) => {
      const userId = intent.userId ?? SYSTEM_USER_ID;
      return !(await d.positions()).some(
        (p) => p.userId === userId && p.symbol === requested.symbol && p.product === intent.product,
      );
    },
  };
}
