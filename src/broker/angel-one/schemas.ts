/**
 * zod schemas for every SmartAPI reply `data` (protocol §1–§3). Types on the wire are mixed: numbers
 * arrive as strings or numbers, prices as rupee strings ("194.00") or floats (161.7), null for blank.
 * These schemas coerce to numbers and to integer paise, so nothing downstream sees a rupee float.
 */
import { z } from 'zod';
import { rupeesToPaise } from '@/common/money';

const numeric = z.union([z.number(), z.string()]);
/** A quantity or count; blank, null and absent read as 0 (rows omit fields that do not apply). */
export const qty = z
  .union([numeric, z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return 0;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `not a number: ${String(v)}` });
      return z.NEVER;
    }
    return Math.trunc(n);
  });
/** Rupees (string or number) to integer paise; blank and null read as 0. */
export const paise = z
  .union([numeric, z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return 0;
    try {
      return rupeesToPaise(typeof v === 'string' ? v.trim() : v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a rupee amount: ${String(v)}` });
      return z.NEVER;
    }
  });
/** Identifiers sometimes arrive as JSON numbers (orderid). */
export const idString = z.union([z.string(), z.number()]).transform((v) => String(v));
const str = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));

export const sessionTokens = z.object({
  jwtToken: z.string().min(1),
  refreshToken: z.string().min(1),
  feedToken: z.string().min(1),
});

export const profile = z.object({
  clientcode: z.string(),
  name: str,
  exchanges: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  products: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});

export const rms = z.object({
  net: paise,
  availablecash: paise,
  availableintradaypayin: paise,
  availablelimitmargin: paise,
  collateral: paise,
  m2munrealized: paise,
  m2mrealized: paise,
  utiliseddebits: paise,
});

export const orderAck = z.object({ orderid: idString, uniqueorderid: z.string().nullish() });

export const orderRow = z.object({
  variety: str,
  ordertype: z.string(),
  producttype: z.string(),
  duration: str,
  price: paise,
  triggerprice: paise,
  quantity: qty,
  disclosedquantity: qty,
  tradingsymbol: z.string(),
  transactiontype: z.string(),
  exchange: z.string(),
  symboltoken: idString,
  averageprice: paise,
  filledshares: qty,
  unfilledshares: qty,
  cancelsize: qty,
  orderid: idString,
  text: str,
  status: str,
  orderstatus: str,
  updatetime: str,
  exchorderupdatetime: str,
  ordertag: str,
  uniqueorderid: str,
});
export type OrderRow = z.output<typeof orderRow>;
/** Empty books come back as `data: null`. */
export const orderBook = z
  .array(orderRow)
  .nullable()
  .transform((v) => v ?? []);

export const tradeRow = z.object({
  exchange: z.string(),
  producttype: z.string(),
  tradingsymbol: z.string(),
  transactiontype: z.string(),
  fillprice: paise,
  fillsize: qty,
  orderid: idString,
  fillid: idString,
  filltime: str,
});
export const tradeBook = z
  .array(tradeRow)
  .nullable()
  .transform((v) => v ?? []);

export const positionRow = z.object({
  exchange: z.string(),
  symboltoken: idString,
  producttype: z.string(),
  tradingsymbol: z.string(),
  buyqty: qty,
  sellqty: qty,
  netqty: qty,
  buyavgprice: paise,
  sellavgprice: paise,
  netprice: paise,
  totalbuyvalue: paise,
  totalsellvalue: paise,
});
export const positions = z
  .array(positionRow)
  .nullable()
  .transform((v) => v ?? []);

export const holdingRow = z.object({
  tradingsymbol: z.string(),
  exchange: z.string(),
  isin: str,
  t1quantity: qty,
  quantity: qty,
  averageprice: paise,
  ltp: paise,
  symboltoken: idString,
  close: paise,
  profitandloss: paise,
});
export const holdings = z
  .array(holdingRow)
  .nullable()
  .transform((v) => v ?? []);
export const allHoldings = z.object({
  holdings: z
    .array(holdingRow)
    .nullable()
    .transform((v) => v ?? []),
  totalholding: z
    .object({
      totalholdingvalue: paise,
      totalinvvalue: paise,
      totalprofitandloss: paise,
      totalpnlpercentage: z.union([numeric, z.null()]),
    })
    .nullish(),
});

export const gttId = z.object({ id: idString });
export const gttRule = z.object({
  status: z.string(),
  tradingsymbol: z.string(),
  symboltoken: idString,
  exchange: z.string(),
  transactiontype: z.string(),
  producttype: z.string(),
  price: paise,
  qty: qty,
  triggerprice: paise,
  disclosedqty: qty,
  expirydate: str,
  createddate: str,
  updateddate: str,
  id: idString.optional(),
});
export const gttList = z
  .array(gttRule)
  .nullable()
  .transform((v) => v ?? []);

/** `[timestamp, open, high, low, close, volume]`, ISO time with +05:30, rupee prices. */
export const candles = z
  .array(z.tuple([z.string(), paise, paise, paise, paise, qty]))
  .nullable()
  .transform((v) => v ?? []);

const depthLevel = z.object({ price: paise, quantity: qty, orders: qty });
export const quoteRow = z.object({
  exchange: z.string(),
  tradingSymbol: z.string(),
  symbolToken: idString,
  ltp: paise,
  open: paise.optional(),
  high: paise.optional(),
  low: paise.optional(),
  close: paise.optional(),
  tradeVolume: qty.optional(),
  upperCircuit: paise.optional(),
  lowerCircuit: paise.optional(),
  exchFeedTime: str.optional(),
  depth: z.object({ buy: z.array(depthLevel), sell: z.array(depthLevel) }).optional(),
});
export const quotes = z.object({
  fetched: z.array(quoteRow),
  unfetched: z.array(z.unknown()).nullish(),
});

export const searchScrip = z
  .array(z.object({ exchange: z.string(), tradingsymbol: z.string(), symboltoken: idString }))
  .nullable()
  .transform((v) => v ?? []);

export const marginBatch = z.object({ totalMarginRequired: paise }).passthrough();

export const nullData = z.unknown();

/** Application envelope `{status, message, errorcode, data}` and the gateway one `{success, message, errorCode, data}` (§1.3). */
export const envelope = z.union([
  z.object({
    status: z.union([z.boolean(), z.string()]),
    message: z.string().nullish(),
    errorcode: z.string().nullish(),
    data: z.unknown(),
  }),
  z.object({
    success: z.union([z.boolean(), z.string()]),
    message: z.string().nullish(),
    errorCode: z.string().nullish(),
    data: z.unknown(),
  }),
]);
