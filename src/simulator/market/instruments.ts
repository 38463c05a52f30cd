import { formatDdMonYyyy, formatSymbolDate, istDayStart, istWeekday, DAY_MS, IST_OFFSET_MS } from '../ist';
import { Rng, deriveSeed } from '../random';
import { EQUITIES } from './equities';

export type ExchSeg = 'NSE' | 'BSE' | 'NFO' | 'MCX';

/** One simulated instrument; `row` is its scrip-master line in the exact wire strings (protocol §3.5). */
export interface SimInstrument {
  token: string;
  symbol: string;
  name: string;
  exchSeg: ExchSeg;
  /** '' for equity, AMXIDX, FUTIDX, FUTSTK, OPTIDX, OPTSTK, FUTCOM. */
  instrumentType: string;
  expiryMs: number | null;
  strikePaise: number | null;
  optionType: 'CE' | 'PE' | null;
  lotSize: number;
  tickSizePaise: number;
  /** Starting price of the walk and previous close on day one. */
  basePricePaise: number;
  isIndex: boolean;
  isDerivative: boolean;
  /** Circuit band as a fraction of the previous close (F&O and indices have none; a wide one is used). */
  circuitFraction: number;
  isin: string;
}

export interface ScripMasterRow {
  token: string;
  symbol: string;
  name: string;
  expiry: string;
  strike: string;
  lotsize: string;
  instrumenttype: string;
  exch_seg: string;
  tick_size: string;
}

export function toScripMasterRow(i: SimInstrument): ScripMasterRow {
  return {
    token: i.token,
    symbol: i.symbol,
    name: i.name,
    expiry: i.expiryMs === null ? '' : formatDdMonYyyy(i.expiryMs),
    strike: `${i.strikePaise ?? -1}.000000`,
    lotsize: String(i.lotSize),
    instrumenttype: i.instrumentType,
    exch_seg: i.exchSeg,
    tick_size: `${i.tickSizePaise}.000000`,
  };
}

/** Last Tuesday of the IST month containing `ms` (NSE monthly expiry day since Sep 2025), 15:30 IST. */
function lastTuesday(ms: number): number {
  const d = new Date(ms + IST_OFFSET_MS);
  let day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - IST_OFFSET_MS - DAY_MS;
  while (istWeekday(day) !== 2) day -= DAY_MS;
  return istDayStart(day) + (15 * 60 + 30) * 60_000;
}

/** The current monthly expiry: this month's, or next month's once this month's has passed. */
export function currentMonthlyExpiry(now: number): number {
  const e = lastTuesday(now);
  if (e >= now) return e;
  const d = new Date(now + IST_OFFSET_MS);
  return lastTuesday(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 15));
}

const roundTo = (paise: number, tick: number): number => Math.max(tick, Math.round(paise / tick) * tick);

const BSE_LISTINGS: ReadonlyArray<readonly [string, string]> = [
  ['SBIN', '500112'],
  ['RELIANCE', '500325'],
  ['INFY', '500209'],
  ['TCS', '532540'],
  ['HDFCBANK', '500180'],
];

interface IndexSpec {
  name: string;
  symbol: string;
  token: string;
  price: number;
  lot: number;
  strikeStep: number;
}
const INDICES: IndexSpec[] = [
  { name: 'NIFTY', symbol: 'Nifty 50', token: '99926000', price: 26000, lot: 65, strikeStep: 50 },
  { name: 'BANKNIFTY', symbol: 'Nifty Bank', token: '99926009', price: 59000, lot: 30, strikeStep: 100 },
];

/**
 * Builds the sample master deterministically from the seed and the date (the date picks the current
 * expiry): NSE equities and indices, NFO futures and options of the current monthly expiry, one MCX future.
 */
export function buildInstruments(seed: number, now: number): SimInstrument[] {
  const out: SimInstrument[] = [];
  const expiry = currentMonthlyExpiry(now);
  const symDate = formatSymbolDate(expiry);
  const jitter = (label: string, rupees: number, tick: number): number => {
    const rng = new Rng(deriveSeed(seed, 'base', label));
    return roundTo(Math.round(rupees * 100 * (0.9 + 0.2 * rng.next())), tick);
  };

  for (const ix of INDICES) {
    out.push(base(ix.token, ix.symbol, ix.name, 'NSE', 'AMXIDX', jitter(ix.name, ix.price, 5), 1, true));
  }
  for (const [sym, token, price, _lot] of EQUITIES) {
    const eq = base(token, `${sym}-EQ`, sym, 'NSE', '', jitter(sym, price, 5), 1, false);
    eq.circuitFraction = price < 50 ? 0.05 : 0.2;
    out.push(eq);
  }

  // Dual listings on BSE (real BSE scrip codes; Angel One lists BSE equities without the -EQ suffix),
  // starting at the NSE price, so order routing can pick the better side of the same stock.
  for (const [sym, bseToken] of BSE_LISTINGS) {
    const nse = out.find((i) => i.exchSeg === 'NSE' && i.symbol === `${sym}-EQ`);
    if (!nse) continue;
    out.push({
      ...base(bseToken, sym, sym, 'BSE', '', nse.basePricePaise, 1, false),
      isin: nse.isin,
      circuitFraction: nse.circuitFraction,
    });
  }

  let nextToken = 52001;
  const deriv = (
    p: Partial<SimInstrument> &
      Pick<SimInstrument, 'symbol' | 'name' | 'instrumentType' | 'lotSize' | 'basePricePaise'>,
  ): void => {
    out.push({
      ...base(
        String(nextToken++),
        p.symbol,
        p.name,
        'NFO',
        p.instrumentType,
        p.basePricePaise,
        p.lotSize,
        false,
      ),
      expiryMs: expiry,
      isDerivative: true,
      strikePaise: p.strikePaise ?? null,
      optionType: p.optionType ?? null,
    });
  };
  for (const ix of INDICES) {
    const spot = out.find((i) => i.token === ix.token)!.basePricePaise;
    deriv({
      symbol: `${ix.name}${symDate}FUT`,
      name: ix.name,
      instrumentType: 'FUTIDX',
      lotSize: ix.lot,
      basePricePaise: roundTo(spot * 1.004, 10),
    });
    const atm = Math.round(spot / 100 / ix.strikeStep) * ix.strikeStep;
    for (let k = -5; k <= 5; k++) {
      const strike = atm + k * ix.strikeStep;
      for (const opt of ['CE', 'PE'] as const) {
        const intrinsic = Math.max(0, opt === 'CE' ? spot - strike * 100 : strike * 100 - spot);
        const premium = roundTo(intrinsic + spot * 0.008, 5);
        deriv({
          symbol: `${ix.name}${symDate}${strike}${opt}`,
          name: ix.name,
          instrumentType: 'OPTIDX',
          lotSize: ix.lot,
          basePricePaise: premium,
          strikePaise: strike * 100,
          optionType: opt,
        });
      }
    }
  }
  for (const [sym, token, _price, lot] of EQUITIES.slice(0, 10)) {
    const spot = out.find((i) => i.token === token)!.basePricePaise;
    deriv({
      symbol: `${sym}${symDate}FUT`,
      name: sym,
      instrumentType: 'FUTSTK',
      lotSize: lot,
      basePricePaise: roundTo(spot * 1.004, 10),
    });
    const step = spot >= 200_000 ? 2000 : spot >= 50_000 ? 1000 : 500;
    const atm = Math.round(spot / step) * step;
    for (const opt of ['CE', 'PE'] as const) {
      deriv({
        symbol: `${sym}${symDate}${atm / 100}${opt}`,
        name: sym,
        instrumentType: 'OPTSTK',
        lotSize: lot,
        basePricePaise: roundTo(spot * 0.025, 5),
        strikePaise: atm,
        optionType: opt,
      });
    }
  }

  // MCX crude oil future, expiring around the 19th of next month.
  const d = new Date(now + IST_OFFSET_MS);
  const mcxExpiry =
    istDayStart(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 19) - IST_OFFSET_MS) + 23 * 3_600_000;
  const crude = base(
    '472789',
    `CRUDEOIL${formatSymbolDate(mcxExpiry)}FUT`,
    'CRUDEOIL',
    'MCX',
    'FUTCOM',
    jitter('CRUDEOIL', 5600, 100),
    100,
    false,
  );
  out.push({ ...crude, exchSeg: 'MCX', expiryMs: mcxExpiry, isDerivative: true, tickSizePaise: 100 });
  return out;
}

function base(
  token: string,
  symbol: string,
  name: string,
  exchSeg: ExchSeg,
  instrumentType: string,
  pricePaise: number,
  lotSize: number,
  isIndex: boolean,
): SimInstrument {
  return {
    token,
    symbol,
    name,
    exchSeg,
    instrumentType,
    expiryMs: null,
    strikePaise: null,
    optionType: null,
    lotSize,
    tickSizePaise: 5,
    basePricePaise: pricePaise,
    isIndex,
    isDerivative: false,
    circuitFraction: 0.4,
    isin: exchSeg === 'NSE' && !isIndex ? `INE${token.padStart(6, '0')}01` : '',
  };
}

/** Lookups by token and segment; tokens are unique across this sample master. */
export class InstrumentStore {
  readonly all: readonly SimInstrument[];
  private readonly byToken = new Map<string, SimInstrument>();

  constructor(instruments: SimInstrument[]) {
    this.all = instruments;
    for (const i of instruments) this.byToken.set(i.token, i);
  }

  get(token: string, exchange?: string): SimInstrument | undefined {
    const i = this.byToken.get(String(token));
    if (!i) return undefined;
    return exchange === undefined || exchange === i.exchSeg ? i : undefined;
  }

  bySymbol(exchange: string, symbol: string): SimInstrument | undefined {
    return this.all.find((i) => i.exchSeg === exchange && i.symbol === symbol);
  }

  search(exchange: string, text: string): SimInstrument[] {
    const q = text.trim().toUpperCase();
    if (!q) return [];
    return this.all.filter(
      (i) =>
        i.exchSeg === exchange && (i.symbol.toUpperCase().includes(q) || i.name.toUpperCase().includes(q)),
    );
  }
}
