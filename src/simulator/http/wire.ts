import { paiseToRupees } from '@/common/money';
import { formatDdMonYyyy, formatIstDateTime, formatIstTime } from '../ist';
import type { SimHolding, SimPosition } from '../matching/accounts';
import type { Funds } from '../matching/margin';
import type { SimOrder, SimTrade } from '../matching/types';
import type { SimInstrument } from '../market/instruments';

/** SmartAPI field names and string formats, in one place (protocol §2.3-§2.6 and §5). */
const r = paiseToRupees;
const r4 = (p: number): string => `${r(p)}00`;
const num = (p: number): number => p / 100;

function contractFields(i: SimInstrument | undefined): {
  instrumenttype: string;
  strikeprice: number;
  optiontype: string;
  expirydate: string;
  lotsize: string;
} {
  return {
    instrumenttype: i?.instrumentType ?? '',
    strikeprice: i?.strikePaise != null ? i.strikePaise / 100 : -1,
    optiontype: i?.optionType ?? '',
    expirydate: i?.expiryMs != null ? formatDdMonYyyy(i.expiryMs).toUpperCase() : '',
    lotsize: String(i?.lotSize ?? 1),
  };
}

const avgPaise = (o: SimOrder): number => (o.filled > 0 ? Math.round(o.fillValuePaise / o.filled) : 0);

/** An order-book / order-details row: quantities and prices as strings. */
export function orderRow(o: SimOrder): Record<string, unknown> {
  return {
    variety: o.variety,
    ordertype: o.ordertype,
    producttype: o.producttype,
    duration: o.duration,
    price: r(o.pricePaise),
    triggerprice: r(o.triggerPaise),
    quantity: String(o.quantity),
    disclosedquantity: String(o.disclosedquantity),
    squareoff: r(o.squareoffPaise),
    stoploss: r(o.stoplossPaise),
    trailingstoploss: r(o.trailingPaise),
    tradingsymbol: o.tradingsymbol,
    transactiontype: o.transactiontype,
    exchange: o.exchange,
    symboltoken: o.symboltoken,
    ordertag: o.ordertag,
    ...contractFields(o.instrument),
    cancelsize: String(o.cancelled),
    averageprice: r(avgPaise(o)),
    filledshares: String(o.filled),
    unfilledshares: String(o.quantity - o.filled - o.cancelled),
    orderid: o.orderid,
    text: o.text,
    status: o.status,
    orderstatus: o.status,
    updatetime: formatIstDateTime(o.updatedAt),
    exchtime: o.exchangeTime === null ? '' : formatIstDateTime(o.exchangeTime),
    exchorderupdatetime: o.exchangeTime === null ? '' : formatIstDateTime(o.updatedAt),
    fillid: o.lastFillId,
    filltime: o.lastFillTime === null ? '' : formatIstTime(o.lastFillTime),
    parentorderid: '',
    uniqueorderid: o.uniqueorderid,
  };
}

/** The order-update stream's `orderData`: the same row with numeric prices (protocol §5). */
export function orderUpdateData(o: SimOrder): Record<string, unknown> {
  const row = orderRow(o);
  return {
    ...row,
    price: num(o.pricePaise),
    triggerprice: num(o.triggerPaise),
    squareoff: num(o.squareoffPaise),
    stoploss: num(o.stoplossPaise),
    trailingstoploss: num(o.trailingPaise),
    averageprice: num(avgPaise(o)),
  };
}

const ORDER_KEYS = [
  'variety',
  'ordertype',
  'producttype',
  'duration',
  'price',
  'triggerprice',
  'quantity',
  'disclosedquantity',
  'squareoff',
  'stoploss',
  'trailingstoploss',
  'tradingsymbol',
  'transactiontype',
  'exchange',
  'symboltoken',
  'ordertag',
  'instrumenttype',
  'strikeprice',
  'optiontype',
  'expirydate',
  'lotsize',
  'cancelsize',
  'averageprice',
  'filledshares',
  'unfilledshares',
  'orderid',
  'text',
  'status',
  'orderstatus',
  'updatetime',
  'exchtime',
  'exchorderupdatetime',
  'fillid',
  'filltime',
  'parentorderid',
  'uniqueorderid',
] as const;

/** The AB00 frame's empty `orderData`: every key of an order row present, every value empty. */
export function emptyOrderUpdateData(): Record<string, unknown> {
  return Object.fromEntries(ORDER_KEYS.map((k) => [k, '']));
}

export function tradeRow(t: SimTrade): Record<string, unknown> {
  const i = t.instrument;
  return {
    exchange: i.exchSeg,
    producttype: t.producttype,
    tradingsymbol: i.symbol,
    instrumenttype: i.instrumentType,
    symbolgroup: i.isDerivative ? 'XX' : 'EQ',
    strikeprice: i.strikePaise != null ? r(i.strikePaise) : '-1',
    optiontype: i.optionType ?? '',
    expirydate: i.expiryMs != null ? formatDdMonYyyy(i.expiryMs).toUpperCase() : '',
    marketlot: String(i.lotSize),
    precision: '2',
    multiplier: '-1',
    tradevalue: r(t.pricePaise * t.quantity),
    transactiontype: t.side,
    fillprice: r(t.pricePaise),
    fillsize: String(t.quantity),
    orderid: t.orderid,
    fillid: t.fillid,
    filltime: formatIstTime(t.filltime),
  };
}

/** A getPosition row; every value a string (protocol §2.6). */
export function positionRow(p: SimPosition, ltpPaise: number): Record<string, string> {
  const i = p.instrument;
  const avg = (value: number, qty: number): string => r(qty > 0 ? Math.round(value / qty) : 0);
  const netAvg = p.netQty !== 0 ? Math.round(p.openCostPaise / Math.abs(p.netQty)) : 0;
  const netValue = p.sellValuePaise - p.buyValuePaise;
  const pnl =
    p.realisedPaise +
    (p.netQty !== 0 ? p.netQty * ltpPaise - (p.netQty > 0 ? p.openCostPaise : -p.openCostPaise) : 0);
  return {
    exchange: i.exchSeg,
    symboltoken: i.token,
    producttype: p.producttype,
    tradingsymbol: i.symbol,
    symbolname: i.name,
    instrumenttype: i.instrumentType,
    priceden: '1.00',
    pricenum: '1.00',
    genden: '1.00',
    gennum: '1.00',
    precision: '2',
    multiplier: '-1',
    boardlotsize: '1',
    buyqty: String(p.buyQty),
    sellqty: String(p.sellQty),
    buyamount: r(p.buyValuePaise),
    sellamount: r(p.sellValuePaise),
    symbolgroup: i.isDerivative ? 'XX' : 'EQ',
    strikeprice: i.strikePaise != null ? r(i.strikePaise) : '-1',
    optiontype: i.optionType ?? '',
    expirydate: i.expiryMs != null ? formatDdMonYyyy(i.expiryMs).toUpperCase() : '',
    lotsize: String(i.lotSize),
    cfbuyqty: '0',
    cfsellqty: '0',
    cfbuyamount: '0.00',
    cfsellamount: '0.00',
    buyavgprice: avg(p.buyValuePaise, p.buyQty),
    sellavgprice: avg(p.sellValuePaise, p.sellQty),
    avgnetprice: r(netAvg),
    netvalue: r(netValue),
    netqty: String(p.netQty),
    totalbuyvalue: r(p.buyValuePaise),
    totalsellvalue: r(p.sellValuePaise),
    cfbuyavgprice: '0.00',
    cfsellavgprice: '0.00',
    totalbuyavgprice: avg(p.buyValuePaise, p.buyQty),
    totalsellavgprice: avg(p.sellValuePaise, p.sellQty),
    netprice: r(netAvg),
    ltp: r(ltpPaise),
    pnl: r(pnl),
    realised: r(p.realisedPaise),
  };
}

/** A getHolding row. Angel's samples carry numbers here, not strings. */
export function holdingRow(h: SimHolding, ltpPaise: number, closePaise: number): Record<string, unknown> {
  const qty = h.quantity + h.t1Quantity;
  const avg = qty > 0 ? Math.round(h.costPaise / qty) : 0;
  const pnl = qty * ltpPaise - h.costPaise;
  return {
    tradingsymbol: h.instrument.symbol,
    exchange: h.instrument.exchSeg,
    isin: h.instrument.isin,
    t1quantity: h.t1Quantity,
    realisedquantity: h.quantity,
    quantity: qty,
    authorisedquantity: 0,
    product: 'DELIVERY',
    collateralquantity: null,
    collateraltype: null,
    haircut: 0,
    averageprice: num(avg),
    ltp: num(ltpPaise),
    symboltoken: h.instrument.token,
    close: num(closePaise),
    profitandloss: num(pnl),
    pnlpercentage: h.costPaise > 0 ? Math.round((pnl / h.costPaise) * 10000) / 100 : 0,
  };
}

/** getRMS `data`: decimal strings with 4 places (protocol §2.6). */
export function rmsData(f: Funds): Record<string, string> {
  return {
    net: r4(f.availablePaise),
    availablecash: r4(f.cashPaise),
    availableintradaypayin: r4(0),
    availablelimitmargin: r4(f.availablePaise),
    collateral: r4(0),
    m2munrealized: r4(f.unrealisedPaise),
    m2mrealized: r4(f.realisedPaise),
    utiliseddebits: r4(f.blockedPaise + f.positionMarginPaise),
    utilisedspan: r4(f.positionMarginPaise),
    utilisedoptionpremium: r4(0),
    utilisedholdingsales: r4(0),
    utilisedexposure: r4(0),
    utilisedturnover: r4(0),
    utilisedpayout: r4(0),
  };
}
