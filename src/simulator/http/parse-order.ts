import { isExactRupees, rupeesToPaise } from '@/common/money';
import {
  DURATIONS,
  EXCHANGES,
  ORDER_TYPES,
  PRODUCT_TYPES,
  SIDES,
  VARIETIES,
  type ModifyRequest,
  type PlaceRequest,
} from '../matching/types';
import { str } from './router';

export type Parsed<T> =
  { ok: true; value: T; offTick: boolean } | { ok: false; errorcode: string; message: string };

const bad = (errorcode: string, message: string): { ok: false; errorcode: string; message: string } => ({
  ok: false,
  errorcode,
  message,
});

function oneOf<T extends string>(values: readonly T[], v: string | undefined): T | undefined {
  return values.find((x) => x === v);
}

/** Rupee string to paise; `exact` false when it has more than two decimals (off any tick). */
function price(v: string | undefined): { paise: number; exact: boolean } | null {
  if (v === undefined || v === '') return { paise: 0, exact: true };
  try {
    return { paise: rupeesToPaise(v), exact: isExactRupees(v) };
  } catch {
    return null;
  }
}

function quantity(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v)) return null;
  return Number(v);
}

/** Request-level checks of placeOrder (protocol §2.2): a failure is an envelope error, not an order. */
export function parsePlace(b: Record<string, unknown>): Parsed<PlaceRequest> {
  const variety = oneOf(VARIETIES, str(b, 'variety'));
  if (!variety) return bad('AB1008', 'Invalid Order Variety');
  const producttype = oneOf(PRODUCT_TYPES, str(b, 'producttype'));
  if (!producttype) return bad('AB1012', 'Invalid Product Type');
  const transactiontype = oneOf(SIDES, str(b, 'transactiontype'));
  if (!transactiontype) return bad('AB2000', 'Invalid transactiontype');
  const exchange = oneOf(EXCHANGES, str(b, 'exchange'));
  if (!exchange) return bad('AB2000', 'Invalid exchange');
  const ordertype = oneOf(ORDER_TYPES, str(b, 'ordertype'));
  if (!ordertype) return bad('AB2000', 'Invalid ordertype');
  const duration = oneOf(DURATIONS, str(b, 'duration') ?? 'DAY');
  if (!duration) return bad('AB2000', 'Invalid duration');
  const symboltoken = str(b, 'symboltoken');
  if (!symboltoken) return bad('AB4006', 'Invalid symboltoken');
  const tradingsymbol = str(b, 'tradingsymbol');
  if (!tradingsymbol) return bad('AB1009', 'Symbol Not Found');
  const ordertag = str(b, 'ordertag') ?? '';
  if (ordertag.length >= 20) return bad('AB4008', 'ordertag length should be less than 20 characters');
  const qty = quantity(str(b, 'quantity'));
  if (qty === null) return bad('AB2000', 'Invalid quantity');
  const disclosed = quantity(str(b, 'disclosedquantity') || '0') ?? 0;
  const p = price(str(b, 'price'));
  const t = price(str(b, 'triggerprice'));
  const sq = price(str(b, 'squareoff'));
  const sl = price(str(b, 'stoploss'));
  const tr = price(str(b, 'trailingStopLoss') ?? str(b, 'trailingstoploss'));
  if (!p || !t || !sq || !sl || !tr) return bad('AB2000', 'Invalid price');
  return {
    ok: true,
    offTick: !p.exact || !t.exact,
    value: {
      variety,
      tradingsymbol,
      symboltoken,
      transactiontype,
      exchange,
      ordertype,
      producttype,
      duration,
      pricePaise: ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET' ? 0 : p.paise,
      triggerPaise: ordertype === 'STOPLOSS_LIMIT' || ordertype === 'STOPLOSS_MARKET' ? t.paise : 0,
      quantity: qty,
      disclosedquantity: disclosed,
      ordertag,
      squareoffPaise: sq.paise,
      stoplossPaise: sl.paise,
      trailingPaise: tr.paise,
    },
  };
}

export function parseModify(b: Record<string, unknown>): Parsed<ModifyRequest> {
  const orderid = str(b, 'orderid');
  if (!orderid) return bad('AB1013', 'Order not found');
  if (!oneOf(VARIETIES, str(b, 'variety'))) return bad('AB1008', 'Invalid Order Variety');
  const ordertype = oneOf(ORDER_TYPES, str(b, 'ordertype'));
  if (!ordertype) return bad('AB2000', 'Invalid ordertype');
  const pt = str(b, 'producttype');
  const producttype = pt === undefined ? undefined : oneOf(PRODUCT_TYPES, pt);
  if (pt !== undefined && !producttype) return bad('AB1012', 'Invalid Product Type');
  const du = str(b, 'duration');
  const duration = du === undefined ? undefined : oneOf(DURATIONS, du);
  if (du !== undefined && !duration) return bad('AB2000', 'Invalid duration');
  const qty = quantity(str(b, 'quantity'));
  if (qty === null) return bad('AB2000', 'Invalid quantity');
  const p = price(str(b, 'price'));
  const tRaw = str(b, 'triggerprice');
  const t = tRaw === undefined ? undefined : price(tRaw);
  if (!p || t === null) return bad('AB2000', 'Invalid price');
  if (!p.exact || (t && !t.exact)) return bad('AB2000', 'Price is not a multiple of the tick size');
  return {
    ok: true,
    offTick: false,
    value: {
      orderid,
      ordertype,
      producttype,
      duration,
      pricePaise: ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET' ? 0 : p.paise,
      triggerPaise: t?.paise,
      quantity: qty,
    },
  };
}
