import fc from 'fast-check';
import type { OrderFill } from '@/domain/execution';
import { PositionBook } from './position-book';

const SYMBOLS = ['NSE:SBIN-EQ', 'NSE:TCS-EQ'];
const STRATEGIES = ['sma', 'rsi', undefined];
const T0 = Date.UTC(2025, 0, 6, 4, 30);

const fillArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  strategyId: fc.constantFrom(...STRATEGIES),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  quantity: fc.integer({ min: 1, max: 500 }),
  pricePaise: fc.integer({ min: 1, max: 5_000_000 }),
  chargesPaise: fc.integer({ min: 0, max: 10_000 }),
  markPaise: fc.integer({ min: 1, max: 5_000_000 }),
});

/** Plain checks (jest's expect is too slow for 10,000 x 40 steps); the message names the broken law. */
function law(ok: boolean, name: string, detail: () => unknown): void {
  if (!ok) throw new Error(`${name}: ${JSON.stringify(detail())}`);
}

describe('PositionBook properties (10,000 fill sequences)', () => {
  it('conserves quantity, keeps realised + unrealised equal to cash flow plus marked quantity, flat means no unrealised, reversal opens at the fill price', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), (fills) => {
        const book = new PositionBook();
        const cash = new Map<string, number>();
        const net = new Map<string, number>();
        fills.forEach((f, i) => {
          const before = book.quantity(f.symbol);
          const event: OrderFill = {
            ...f,
            orderId: `o${i}`,
            clientOrderId: `c${i}`,
            userId: 'u',
            time: T0 + i,
          };
          const effect = book.apply(event);
          const signed = f.side === 'BUY' ? f.quantity : -f.quantity;
          net.set(f.symbol, (net.get(f.symbol) ?? 0) + signed);
          cash.set(f.symbol, (cash.get(f.symbol) ?? 0) - signed * f.pricePaise);
          const after = book.quantity(f.symbol);
          const p = book.position(f.symbol)!;

          law(after === net.get(f.symbol), 'net quantity = buys - sells', () => ({
            after,
            net: net.get(f.symbol),
          }));
          law(p.buyQuantity - p.sellQuantity === after, 'ledger buy/sell totals match', () => p);
          law(
            effect.closedQuantity + effect.openedQuantity === f.quantity,
            'closed + opened = fill quantity',
            () => effect,
          );
          if (before !== 0 && after !== 0 && Math.sign(before) !== Math.sign(after)) {
            law(p.averagePricePaise === f.pricePaise, 'reversal opens at the fill price', () => ({ p, f }));
            law(
              effect.closedQuantity === Math.abs(before),
              'reversal closes the whole old position',
              () => effect,
            );
          }
          if (after === 0)
            law(
              p.costPaise === 0 && p.unrealisedPaise === 0,
              'flat position has no basis and no unrealised',
              () => p,
            );
          law(
            p.costPaise >= 0 && Number.isSafeInteger(p.costPaise),
            'cost basis is a non-negative integer',
            () => p,
          );

          book.mark(f.symbol, f.markPaise);
          for (const s of SYMBOLS) {
            const q = book.position(s);
            if (!q) continue;
            const expected = (cash.get(s) ?? 0) + q.quantity * (q.markPaise ?? 0);
            law(
              q.realisedPaise + q.unrealisedPaise === expected,
              'realised + unrealised = cash flow + qty x mark',
              () => ({ q, expected }),
            );
          }
          const total = book.totals();
          let pnl = 0;
          let charges = 0;
          for (const sid of book.strategies()) {
            const t = book.strategyTotals(sid);
            pnl += t.realisedPaise + t.unrealisedPaise;
            charges += t.chargesPaise;
          }
          law(
            pnl === total.realisedPaise + total.unrealisedPaise,
            'strategy P&L adds up to the account P&L',
            () => ({ pnl, total }),
          );
          law(charges === total.chargesPaise, 'strategy charges add up', () => ({ charges, total }));
          for (const s of SYMBOLS) {
            const perStrategy = book.strategies().reduce((a, sid) => a + book.strategyQuantity(sid, s), 0);
            law(
              perStrategy === book.quantity(s),
              'strategy quantities add up to the account quantity',
              () => s,
            );
          }
        });
      }),
      { numRuns: 10_000 },
    );
  });

  it('a fill repeated with the same trade id changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 20 }), (fills) => {
        const once = new PositionBook();
        const twice = new PositionBook();
        fills.forEach((f, i) => {
          const event: OrderFill = {
            ...f,
            orderId: `o${i}`,
            clientOrderId: `c${i}`,
            userId: 'u',
            tradeId: `t${i}`,
            time: T0 + i,
          };
          once.apply(event);
          twice.apply(event);
          twice.apply(event);
        });
        law(
          JSON.stringify(once.positions(true)) === JSON.stringify(twice.positions(true)),
          'repeats are ignored',
          () => fills.length,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
