import type { DepthLevel, Instrument, Tick } from '@/domain/market';
import { TICK_MODE_BY_CODE } from './mapper';
import type { DecodedTick } from './stream-decoder';

/**
 * Copies the decoder's reused result into a domain Tick that handlers may keep. Prices on the wire are
 * paise, except that currency (cde_fo) reportedly uses another scale (§4.3, unconfirmed): `cdsDivisor`
 * is the wire units per rupee for CDS (100 means paise, the default).
 */
export function buildTick(
  t: DecodedTick,
  meta: Pick<Instrument, 'symbol' | 'exchange' | 'token'>,
  receivedAt: number,
  cdsDivisor = 100,
): Tick {
  if (meta.exchange === 'CDS' && cdsDivisor !== 100)
    return rescale(buildTick(t, meta, receivedAt), 100 / cdsDivisor);
  const tick: Tick = {
    symbol: meta.symbol,
    token: meta.token,
    exchange: meta.exchange,
    mode: TICK_MODE_BY_CODE[t.mode] ?? 'LTP',
    exchangeTime: t.exchangeTime,
    receivedAt,
    ltpPaise: t.ltp,
  };
  if (t.mode >= 2) {
    tick.lastQuantity = t.lastQuantity;
    tick.volume = t.volume;
    tick.avgPricePaise = t.avgPrice;
    tick.openPaise = t.open;
    tick.highPaise = t.high;
    tick.lowPaise = t.low;
    tick.closePaise = t.close;
    tick.totalBuyQuantity = t.totalBuyQuantity;
    tick.totalSellQuantity = t.totalSellQuantity;
  }
  if (t.mode === 3) {
    tick.openInterest = t.openInterest;
    tick.upperCircuitPaise = t.upperCircuit;
    tick.lowerCircuitPaise = t.lowerCircuit;
    const bids: DepthLevel[] = [];
    const asks: DepthLevel[] = [];
    for (let i = 0; i < t.bidCount; i++)
      bids.push({ pricePaise: t.bidPrice[i], quantity: t.bidQty[i], orders: t.bidOrders[i] });
    for (let i = 0; i < t.askCount; i++)
      asks.push({ pricePaise: t.askPrice[i], quantity: t.askQty[i], orders: t.askOrders[i] });
    tick.bids = bids;
    tick.asks = asks;
  }
  return tick;
}

function rescale(tick: Tick, f: number): Tick {
  const p = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * f));
  return {
    ...tick,
    ltpPaise: Math.round(tick.ltpPaise * f),
    avgPricePaise: p(tick.avgPricePaise),
    openPaise: p(tick.openPaise),
    highPaise: p(tick.highPaise),
    lowPaise: p(tick.lowPaise),
    closePaise: p(tick.closePaise),
    upperCircuitPaise: p(tick.upperCircuitPaise),
    lowerCircuitPaise: p(tick.lowerCircuitPaise),
    bids: tick.bids?.map((l) => ({ ...l, pricePaise: Math.round(l.pricePaise * f) })),
    asks: tick.asks?.map((l) => ({ ...l, pricePaise: Math.round(l.pricePaise * f) })),
  };
}
