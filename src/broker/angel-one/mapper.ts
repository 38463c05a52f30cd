/**
 * Domain <-> SmartAPI translation. The only place that knows both vocabularies: domain order types
 * (`SL`, `SL-M`) become `STOPLOSS_LIMIT`/`STOPLOSS_MARKET` with variety `STOPLOSS`, paise become rupee
 * strings, IST wall-clock strings become epoch ms.
 */
import { paiseToRupees } from '@/common/money';
import type { Exchange, Interval, OrderType, ProductType, Side, TickMode, Validity } from '@/domain/market';
import type {
  BrokerHolding,
  BrokerOrder,
  BrokerOrderStatus,
  BrokerPosition,
  BrokerTrade,
  Funds,
  ModifyOrderRequest,
  PlaceOrderRequest,
} from '@/broker/broker.types';
import type { WireModifyParams, WireOrderParams } from './rest-client';
import type { OrderRow } from './schemas';
import type * as s from './schemas';
import type { z } from 'zod';

const IST_OFFSET_MS = 330 * 60_000;
const EXCHANGES: readonly Exchange[] = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'];

export function toExchange(value: string): Exchange | null {
  const v = value.toUpperCase() as Exchange;
  return EXCHANGES.includes(v) ? v : null;
}

function exchangeOrThrow(value: string): Exchange {
  const e = toExchange(value);
  if (!e) throw new RangeError(`unknown exchange ${value}`);
  return e;
}

export const symbolOf = (exchange: string, tradingSymbol: string): string => `${exchange}:${tradingSymbol}`;

/** SmartStream exchangeType codes (§4.2). */
const EXCHANGE_TYPE: Record<Exchange, number> = { NSE: 1, NFO: 2, BSE: 3, BFO: 4, MCX: 5, CDS: 13 };
const EXCHANGE_BY_TYPE = new Map<number, Exchange>(
  Object.entries(EXCHANGE_TYPE).map(([k, v]) => [v, k as Exchange]),
);
export const exchangeType = (e: Exchange): number => EXCHANGE_TYPE[e];
export const exchangeFromType = (t: number): Exchange | undefined => EXCHANGE_BY_TYPE.get(t);

export const STREAM_MODE: Record<TickMode, number> = { LTP: 1, QUOTE: 2, SNAP: 3 };
export const TICK_MODE_BY_CODE: readonly (TickMode | undefined)[] = [undefined, 'LTP', 'QUOTE', 'SNAP'];

const WIRE_ORDER_TYPE: Record<OrderType, WireOrderParams['ordertype']> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  SL: 'STOPLOSS_LIMIT',
  'SL-M': 'STOPLOSS_MARKET',
};

export function fromWireOrderType(v: string): OrderType {
  switch (v) {
    case 'LIMIT':
      return 'LIMIT';
    case 'STOPLOSS_LIMIT':
      return 'SL';
    case 'STOPLOSS_MARKET':
      return 'SL-M';
    default:
      return 'MARKET';
  }
}

export function fromWireProduct(v: string): ProductType {
  switch (v.toUpperCase()) {
    case 'DELIVERY':
    case 'CNC':
      return 'DELIVERY';
    case 'CARRYFORWARD':
    case 'NRML':
      return 'CARRYFORWARD';
    default:
      return 'INTRADAY';
  }
}

const side = (v: string): Side => (v.toUpperCase() === 'SELL' ? 'SELL' : 'BUY');
const validity = (v: string): Validity => (v.toUpperCase() === 'IOC' ? 'IOC' : 'DAY');

export function toWireOrder(req: PlaceOrderRequest): WireOrderParams {
  const ordertype = WIRE_ORDER_TYPE[req.type];
  const stop = req.type === 'SL' || req.type === 'SL-M';
  return {
    variety: stop ? 'STOPLOSS' : 'NORMAL',
    tradingsymbol: req.instrument.tradingSymbol,
    symboltoken: req.instrument.token,
    transactiontype: req.side,
    exchange: req.instrument.exchange,
    ordertype,
    producttype: req.product,
    duration: req.validity,
    price: req.type === 'MARKET' || req.type === 'SL-M' ? '0' : paiseToRupees(req.pricePaise ?? 0),
    ...(stop ? { triggerprice: paiseToRupees(req.triggerPricePaise ?? 0) } : {}),
    quantity: String(req.quantity),
    ...(req.disclosedQuantity ? { disclosedquantity: String(req.disclosedQuantity) } : {}),
    ordertag: req.tag,
  };
}

export function toWireModify(req: ModifyOrderRequest): WireModifyParams {
  const stop = req.type === 'SL' || req.type === 'SL-M';
  return {
    variety: stop ? 'STOPLOSS' : 'NORMAL',
    orderid: req.brokerOrderId,
    tradingsymbol: req.instrument.tradingSymbol,
    symboltoken: req.instrument.token,
    exchange: req.instrument.exchange,
    ordertype: WIRE_ORDER_TYPE[req.type],
    producttype: req.product,
    duration: req.validity,
    price: req.type === 'MARKET' || req.type === 'SL-M' ? '0' : paiseToRupees(req.pricePaise ?? 0),
    ...(stop ? { triggerprice: paiseToRupees(req.triggerPricePaise ?? 0) } : {}),
    quantity: String(req.quantity),
  };
}

/** Angel's lowercase status strings (§2.3) to the platform's order states. */
export function mapStatus(raw: string): BrokerOrderStatus {
  const v = raw.trim().toLowerCase();
  if (v === 'complete') return 'COMPLETE';
  if (v === 'open') return 'OPEN';
  if (v === 'trigger pending') return 'TRIGGER_PENDING';
  if (v === 'rejected') return 'REJECTED';
  if (v === 'cancelled' || v === 'cancelled after market order') return 'CANCELLED';
  if (v === 'cancel pending') return 'CANCEL_PENDING';
  if (v === 'modify pending' || v === 'modify validation pending') return 'MODIFY_PENDING';
  // The order is still working after a modify or a refused cancel.
  if (v === 'modified' || v === 'not modified' || v === 'not cancelled') return 'OPEN';
  if (v.includes('pending') || v.includes('received')) return 'PENDING';
  return 'UNKNOWN';
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** `20-Oct-2020 13:10:59` (IST wall time) to epoch ms; null when blank or unparseable. */
export function parseIstDateTime(v: string): number | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const month = MONTHS[m[2].toLowerCase()];
  if (month === undefined) return null;
  return Date.UTC(+m[3], month, +m[1], +m[4], +m[5], +m[6]) - IST_OFFSET_MS;
}

/** Epoch ms to the `yyyy-MM-dd HH:mm` IST form getCandleData takes. */
export function formatIstMinute(epochMs: number): string {
  return new Date(epochMs + IST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export const WIRE_INTERVAL: Record<Interval, string> = {
  '1m': 'ONE_MINUTE',
  '3m': 'THREE_MINUTE',
  '5m': 'FIVE_MINUTE',
  '15m': 'FIFTEEN_MINUTE',
  '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR',
  '1d': 'ONE_DAY',
};
/** Max calendar days per getCandleData request (§3.1). */
export const MAX_DAYS: Record<Interval, number> = {
  '1m': 30,
  '3m': 60,
  '5m': 100,
  '15m': 200,
  '30m': 200,
  '1h': 400,
  '1d': 2000,
};

export function fromWireOrder(r: OrderRow): BrokerOrder {
  const exchange = exchangeOrThrow(r.exchange);
  return {
    brokerOrderId: r.orderid,
    uniqueOrderId: r.uniqueorderid || null,
    tag: r.ordertag || null,
    symbol: symbolOf(exchange, r.tradingsymbol),
    exchange,
    token: r.symboltoken,
    side: side(r.transactiontype),
    type: fromWireOrderType(r.ordertype),
    product: fromWireProduct(r.producttype),
    validity: validity(r.duration),
    quantity: r.quantity,
    filledQuantity: r.filledshares,
    pendingQuantity: r.unfilledshares,
    cancelledQuantity: r.cancelsize,
    pricePaise: r.price,
    triggerPricePaise: r.triggerprice,
    averagePricePaise: r.averageprice,
    status: mapStatus(r.orderstatus || r.status),
    rawStatus: r.orderstatus || r.status,
    message: r.text,
    updatedAt: parseIstDateTime(r.exchorderupdatetime) ?? parseIstDateTime(r.updatetime),
  };
}

export function fromWireTrade(r: z.output<typeof s.tradeRow>): BrokerTrade {
  const exchange = exchangeOrThrow(r.exchange);
  return {
    brokerOrderId: r.orderid,
    fillId: r.fillid,
    symbol: symbolOf(exchange, r.tradingsymbol),
    exchange,
    side: side(r.transactiontype),
    product: fromWireProduct(r.producttype),
    quantity: r.fillsize,
    pricePaise: r.fillprice,
    fillTime: r.filltime,
  };
}

export function fromWirePosition(r: z.output<typeof s.positionRow>): BrokerPosition {
  const exchange = exchangeOrThrow(r.exchange);
  return {
    symbol: symbolOf(exchange, r.tradingsymbol),
    exchange,
    token: r.symboltoken,
    product: fromWireProduct(r.producttype),
    netQuantity: r.netqty,
    buyQuantity: r.buyqty,
    sellQuantity: r.sellqty,
    buyAveragePaise: r.buyavgprice,
    sellAveragePaise: r.sellavgprice,
    netPricePaise: r.netprice,
    buyValuePaise: r.totalbuyvalue,
    sellValuePaise: r.totalsellvalue,
  };
}

export function fromWireHolding(r: z.output<typeof s.holdingRow>): BrokerHolding {
  const exchange = exchangeOrThrow(r.exchange);
  return {
    symbol: symbolOf(exchange, r.tradingsymbol),
    exchange,
    token: r.symboltoken,
    isin: r.isin,
    quantity: r.quantity,
    t1Quantity: r.t1quantity,
    averagePricePaise: r.averageprice,
    ltpPaise: r.ltp,
    closePaise: r.close,
    pnlPaise: r.profitandloss,
  };
}

export function fromWireRms(r: z.output<typeof s.rms>): Funds {
  return {
    netPaise: r.net,
    availableCashPaise: r.availablecash,
    availableMarginPaise: r.availablelimitmargin,
    utilisedPaise: r.utiliseddebits,
    collateralPaise: r.collateral,
    m2mUnrealisedPaise: r.m2munrealized,
    m2mRealisedPaise: r.m2mrealized,
  };
}
