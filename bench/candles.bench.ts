/**
 * Ticks per second through normalisation (TickNormaliser) and candle aggregation of all seven intervals
 * (CandleAggregator with the NSE calendar), on simulated ticks for 20 symbols over two sessions.
 */
import type { Tick } from '@/domain/market';
import { MarketCalendar, segmentOf } from '@/market-data/calendar/market-calendar';
import { CandleAggregator } from '@/market-data/candles/candle-aggregator';
import { TickNormaliser } from '@/market-data/candles/tick-normaliser';
import { generateTicks } from '../test/market-data/tick-generator';

const dates = ['2025-03-12', '2025-03-13'];
const ticks: Tick[] = [];
for (let i = 0; i < 20; i++)
  ticks.push(
    ...generateTicks({
      symbol: `NSE:S${i}-EQ`,
      token: String(1000 + i),
      dates,
      seed: i + 1,
      startPaise: 50_000 + i * 1000,
    }),
  );
ticks.sort((a, b) => a.exchangeTime - b.exchangeTime);

function run(): { ms: number; closed: number } {
  const cal = new MarketCalendar();
  let closed = 0;
  const norm = new TickNormaliser();
  const agg = new CandleAggregator({
    sessionOf: (ex, t) => cal.sessionAt(segmentOf(ex), t),
    onClose: () => closed++,
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ticks.length; i++) {
    const tk = ticks[i];
    const r = norm.normalise(tk, tk.receivedAt);
    if (r.ok) agg.onTick(r.tick);
  }
  agg.flushAll();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, closed };
}

run(); // warm-up: JIT and calendar cache
const runs = [run(), run(), run()];
const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
console.log(`ticks: ${ticks.length} (20 symbols x 2 sessions), candles closed per run: ${best.closed}`);
console.log(
  `normalise + aggregate (7 intervals): best ${best.ms.toFixed(1)} ms -> ${Math.round(ticks.length / (best.ms / 1000)).toLocaleString('en-US')} ticks/s`,
);
console.log(`per tick: ${((best.ms * 1000) / ticks.length).toFixed(3)} us`);
