/** The gateway's market-data reads over REST (candles, quotes, instrument master), kept out of the gateway class. */
import { BrokerError } from '@/broker/broker.errors';
import type { CandleRequest, Quote, QuoteMode } from '@/broker/broker.types';
import { parseScripMaster } from '@/broker/instruments/scrip-master';
import type { Candle, Instrument } from '@/domain/market';
import * as map from './mapper';
import type { AngelRestClient } from './rest-client';
import type { SessionManager } from './session/session-manager';

const QUOTE_BATCH = 50;

/** Splits the range by the per-interval day cap (§3.1) and concatenates the chunks in order. */
export async function historicalCandles(
  session: SessionManager,
  rest: AngelRestClient,
  req: CandleRequest,
): Promise<Candle[]> {
  const spanMs = map.MAX_DAYS[req.interval] * 86_400_000;
  const out: Candle[] = [];
  for (let from = req.from; from < req.to; from += spanMs) {
    const to = Math.min(req.to, from + spanMs - 60_000);
    const rows = await session.withSession(() =>
      rest.getCandleData({
        exchange: req.instrument.exchange,
        symboltoken: req.instrument.token,
        interval: map.WIRE_INTERVAL[req.interval],
        fromdate: map.formatIstMinute(from),
        todate: map.formatIstMinute(to),
      }),
    );
    for (const [ts, open, high, low, close, volume] of rows) {
      const start = Date.parse(ts);
      if (Number.isNaN(start) || (out.length > 0 && start <= out[out.length - 1].start)) continue;
      out.push({
        symbol: req.instrument.symbol,
        interval: req.interval,
        start,
        openPaise: open,
        highPaise: high,
        lowPaise: low,
        closePaise: close,
        volume,
        closed: true,
      });
    }
  }
  return out;
}

/** Up to 50 tokens per request (§3.2), grouped by exchange; rows are named by the caller's symbols. */
export async function quotes(
  session: SessionManager,
  rest: AngelRestClient,
  instruments: Pick<Instrument, 'symbol' | 'exchange' | 'token'>[],
  mode: QuoteMode,
): Promise<Quote[]> {
  const bySymbolKey = new Map(instruments.map((i) => [`${i.exchange}|${i.token}`, i]));
  const out: Quote[] = [];
  for (let i = 0; i < instruments.length; i += QUOTE_BATCH) {
    const exchangeTokens: Record<string, string[]> = {};
    for (const ins of instruments.slice(i, i + QUOTE_BATCH))
      (exchangeTokens[ins.exchange] ??= []).push(ins.token);
    const data = await session.withSession(() => rest.marketQuote({ mode, exchangeTokens }));
    for (const r of data.fetched) {
      const ins = bySymbolKey.get(`${r.exchange}|${r.symbolToken}`);
      const exchange = map.toExchange(r.exchange);
      if (!exchange) continue;
      out.push({
        symbol: ins?.symbol ?? map.symbolOf(exchange, r.tradingSymbol),
        exchange,
        token: r.symbolToken,
        ltpPaise: r.ltp,
        openPaise: r.open,
        highPaise: r.high,
        lowPaise: r.low,
        closePaise: r.close,
        volume: r.tradeVolume,
        upperCircuitPaise: r.upperCircuit,
        lowerCircuitPaise: r.lowerCircuit,
        exchangeTime: r.exchFeedTime ? map.parseIstDateTime(r.exchFeedTime) : null,
      });
    }
  }
  return out;
}

/** The full `OpenAPIScripMaster.json`, parsed (§3.5). */
export async function instrumentMaster(url: string): Promise<Instrument[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch((e: Error) => {
    throw new BrokerError('unavailable', 'scripMaster', e.message);
  });
  if (!res.ok)
    throw new BrokerError('unavailable', 'scripMaster', `HTTP ${res.status}`, String(res.status), res.status);
  try {
    return parseScripMaster(await res.json()).instruments;
  } catch (e) {
    throw new BrokerError('invalid_response', 'scripMaster', (e as Error).message);
  }
}
