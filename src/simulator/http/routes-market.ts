import { rupeesToPaise } from '@/common/money';
import type { SimContext } from '../context';
import { formatIstDateTime, parseIstMinute } from '../ist';
import { unitMarginPaise } from '../matching/accounts';
import { PRODUCT_TYPES, SIDES } from '../matching/types';
import { CANDLE_INTERVALS, checkCandleRange, isCandleInterval } from '../market/candles';
import { toScripMasterRow } from '../market/instruments';
import { Market, type InstrumentState } from '../market/market';
import { fail, obj, ok, PREFIX, str, type RouteDef } from './router';

const QUOTE_MODES = ['LTP', 'OHLC', 'FULL'] as const;
const MAX_QUOTE_TOKENS = 50;
const rupees = (p: number): number => p / 100;

/** Candles, quotes, search, the legacy LTP route, the margin calculator and the scrip master (§2.6, §3). */
export function marketRoutes(): RouteDef[] {
  let scripMaster: string | null = null;
  return [
    {
      method: 'POST',
      path: `${PREFIX}/historical/v1/getCandleData`,
      name: 'getCandleData',
      auth: 'jwt',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const interval = str(b, 'interval');
        if (!isCandleInterval(interval))
          return fail('AB2000', `Invalid interval; one of ${Object.keys(CANDLE_INTERVALS).join(', ')}`);
        const i = ctx.instruments.get(str(b, 'symboltoken') ?? '', str(b, 'exchange'));
        if (!i) return fail('AB1018', 'Failed to get symbol details');
        const from = parseIstMinute(b.fromdate);
        const to = parseIstMinute(b.todate);
        if (from === null || to === null)
          return fail('AB2000', 'Invalid date format; expected yyyy-MM-dd HH:mm');
        const range = checkCandleRange(interval, from, to);
        if (!range.ok) return fail('AB2000', range.message);
        return ok(ctx.candles.candles(i, interval, from, to, ctx.clock.now()));
      },
    },
    {
      method: 'POST',
      path: `${PREFIX}/market/v1/quote`,
      name: 'marketQuote',
      auth: 'jwt',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const mode = QUOTE_MODES.find((m) => m === str(b, 'mode'));
        if (!mode) return fail('AB2000', 'Invalid mode; one of LTP, OHLC, FULL');
        const groups = obj(b.exchangeTokens);
        const pairs: Array<[string, string]> = [];
        for (const [exchange, tokens] of Object.entries(groups)) {
          if (!Array.isArray(tokens))
            return fail('AB2000', 'exchangeTokens must map exchanges to token arrays');
          for (const t of tokens) pairs.push([exchange, String(t)]);
        }
        if (pairs.length === 0) return fail('AB2000', 'No tokens requested');
        if (pairs.length > MAX_QUOTE_TOKENS)
          return fail('AB2000', `At most ${MAX_QUOTE_TOKENS} tokens are allowed per request`);
        const fetched: unknown[] = [];
        const unfetched: unknown[] = [];
        for (const [exchange, token] of pairs) {
          const i = ctx.instruments.get(token, exchange);
          const st = i && ctx.market.state(token);
          if (!st)
            unfetched.push({
              exchange,
              symbolToken: token,
              message: 'Symbol Not Found',
              errorCode: 'AB1018',
            });
          else fetched.push(quoteRow(mode, st));
        }
        return ok({ fetched, unfetched });
      },
    },
    {
      method: 'POST',
      path: `${PREFIX}/order/v1/searchScrip`,
      name: 'searchScrip',
      auth: 'jwt',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const rows = ctx.instruments.search(str(b, 'exchange') ?? '', str(b, 'searchscrip') ?? '');
        return ok(rows.map((i) => ({ exchange: i.exchSeg, tradingsymbol: i.symbol, symboltoken: i.token })));
      },
    },
    {
      method: 'POST',
      path: `${PREFIX}/order/v1/getLtpData`,
      name: 'getLtpData',
      auth: 'jwt',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const i = ctx.instruments.get(str(b, 'symboltoken') ?? '', str(b, 'exchange'));
        const st = i && ctx.market.state(i.token);
        if (!i || !st) return fail('AB1018', 'Failed to get symbol details');
        return ok({
          exchange: i.exchSeg,
          tradingsymbol: i.symbol,
          symboltoken: i.token,
          open: rupees(st.open),
          high: rupees(st.high),
          low: rupees(st.low),
          close: rupees(st.prevClose),
          ltp: rupees(st.ltp),
        });
      },
    },
    {
      method: 'POST',
      path: `${PREFIX}/margin/v1/batch`,
      name: 'marginBatch',
      auth: 'jwt',
      handler: ({ body }, ctx) => margin(ctx, obj(body).positions),
    },
    {
      method: 'GET',
      path: '/OpenAPI_File/files/OpenAPIScripMaster.json',
      name: 'scripMaster',
      auth: 'none',
      handler: (_req, ctx) => {
        scripMaster ??= JSON.stringify(ctx.instruments.all.map(toScripMasterRow));
        return { kind: 'raw', status: 200, contentType: 'application/json', body: scripMaster };
      },
    },
  ];
}

function quoteRow(mode: (typeof QUOTE_MODES)[number], st: InstrumentState): Record<string, unknown> {
  const i = st.instrument;
  const row: Record<string, unknown> = {
    exchange: i.exchSeg,
    tradingSymbol: i.symbol,
    symbolToken: i.token,
    ltp: rupees(st.ltp),
  };
  if (mode === 'LTP') return row;
  Object.assign(row, {
    open: rupees(st.open),
    high: rupees(st.high),
    low: rupees(st.low),
    close: rupees(st.prevClose),
  });
  if (mode === 'OHLC') return row;
  const change = st.ltp - st.prevClose;
  const level = (d: { pricePaise: number; quantity: number; orders: number }): Record<string, number> => ({
    price: rupees(d.pricePaise),
    quantity: d.quantity,
    orders: d.orders,
  });
  return Object.assign(row, {
    lastTradeQty: st.lastQty,
    exchFeedTime: formatIstDateTime(st.exchTime),
    exchTradeTime: formatIstDateTime(st.lastTradeTime),
    netChange: rupees(change),
    percentChange: st.prevClose > 0 ? Math.round((change / st.prevClose) * 10000) / 100 : 0,
    avgPrice: rupees(Market.avgPrice(st)),
    tradeVolume: st.volume,
    opnInterest: st.oi,
    lowerCircuit: rupees(st.lowerCircuit),
    upperCircuit: rupees(st.upperCircuit),
    totBuyQuan: st.bids.reduce((s, d) => s + d.quantity, 0),
    totSellQuan: st.asks.reduce((s, d) => s + d.quantity, 0),
    '52WeekLow': rupees(st.low52),
    '52WeekHigh': rupees(st.high52),
    depth: { buy: st.bids.map(level), sell: st.asks.map(level) },
  });
}

function margin(ctx: SimContext, positions: unknown): ReturnType<RouteDef['handler']> {
  if (!Array.isArray(positions) || positions.length === 0)
    return fail('AB2000', 'positions must be a non-empty array');
  let total = 0;
  let premium = 0;
  const breakup = new Map<string, number>();
  for (const raw of positions) {
    const p = obj(raw);
    const i = ctx.instruments.get(str(p, 'token') ?? '', str(p, 'exchange'));
    const st = i && ctx.market.state(i.token);
    const product = PRODUCT_TYPES.find((x) => x === str(p, 'productType'));
    const side = SIDES.find((x) => x === str(p, 'tradeType'));
    const qty = Number(str(p, 'qty'));
    if (!i || !st) return fail('AB1018', 'Failed to get symbol details');
    if (!product || !side || !Number.isInteger(qty) || qty <= 0)
      return fail('AB2000', 'Invalid position in margin request');
    let pricePaise = st.ltp;
    const given = str(p, 'price');
    if (given && Number(given) > 0) pricePaise = rupeesToPaise(given);
    const m = qty * unitMarginPaise(i, product, side, pricePaise);
    total += m;
    if (i.optionType && side === 'BUY') premium += m;
    breakup.set(`${i.exchSeg}|${product}`, (breakup.get(`${i.exchSeg}|${product}`) ?? 0) + m);
  }
  return ok({
    totalMarginRequired: rupees(total),
    marginComponents: {
      netPremium: rupees(premium),
      spanMargin: rupees(total - premium),
      marginBenefit: 0,
      deliveryMargin: 0,
      nonNFOMargin: 0,
      totOptionsPremium: rupees(premium),
    },
    marginBreakup: [...breakup].map(([k, v]) => ({
      exchange: k.split('|')[0],
      productType: k.split('|')[1],
      totalMarginRequired: rupees(v),
    })),
    optionsBuy: { totOptionsPremium: rupees(premium), optionDetails: [] },
  });
}
