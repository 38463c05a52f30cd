import fc from 'fast-check';
import type { Side } from '@/domain/market';
import { matchAgainstDepth, takeableLevels, type PaperFillOptions } from './paper-matcher';

const level = fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 500 }));
const depth = fc
  .array(level, { maxLength: 6 })
  .map((ls) => ls.map(([pricePaise, quantity]) => ({ pricePaise, quantity, orders: 1 })));

describe('matchAgainstDepth (properties)', () => {
  it('never fills more than asked or shown, only in whole lots, only at shown prices inside the limit', () => {
    fc.assert(
      fc.property(
        depth,
        depth,
        fc.constantFrom<Side>('BUY', 'SELL'),
        fc.integer({ min: 1, max: 2000 }),
        fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
        fc.constantFrom(1, 5, 25),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        (bids, asks, side, qty, limitPaise, lotSize, share, orders) => {
          const tick = { bids, asks };
          const opts: PaperFillOptions = { maxDepthShare: share, slippageBps: 0, slippageTicks: 0 };
          const consumed = new Map<number, number>();
          const shown = new Map(takeableLevels(tick, side).map((l) => [l.pricePaise, 0]));
          for (const l of takeableLevels(tick, side))
            shown.set(l.pricePaise, shown.get(l.pricePaise)! + Math.floor(l.quantity * share));
          let total = 0;
          // Several orders against the same snapshot share its displayed quantity.
          for (let i = 0; i < orders; i++) {
            const fills = matchAgainstDepth(
              tick,
              { side, quantity: qty * lotSize, limitPaise, resting: false, lotSize, tickSizePaise: 1 },
              consumed,
              opts,
            );
            const filled = fills.reduce((s, f) => s + f.quantity, 0);
            expect(filled).toBeLessThanOrEqual(qty * lotSize);
            total += filled;
            for (const f of fills) {
              expect(f.quantity % lotSize).toBe(0);
              expect(shown.has(f.pricePaise)).toBe(true);
              if (limitPaise !== undefined)
                expect(side === 'BUY' ? f.pricePaise <= limitPaise : f.pricePaise >= limitPaise).toBe(true);
            }
          }
          for (const [price, used] of consumed) expect(used).toBeLessThanOrEqual(shown.get(price)!);
          expect(total).toBe([...consumed.values()].reduce((s, v) => s + v, 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a market order takes the best prices first: no fill is worse than a level left untouched', () => {
    fc.assert(
      fc.property(
        depth,
        fc.constantFrom<Side>('BUY', 'SELL'),
        fc.integer({ min: 1, max: 1000 }),
        (levels, side, qty) => {
          const tick = side === 'BUY' ? { asks: levels } : { bids: levels };
          const consumed = new Map<number, number>();
          const fills = matchAgainstDepth(
            tick,
            { side, quantity: qty, resting: false, lotSize: 1, tickSizePaise: 1 },
            consumed,
          );
          const worst = fills.at(-1)?.pricePaise;
          if (worst === undefined) return;
          for (const l of takeableLevels(tick, side)) {
            const untouched = (consumed.get(l.pricePaise) ?? 0) === 0;
            if (untouched) expect(side === 'BUY' ? l.pricePaise >= worst : l.pricePaise <= worst).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
