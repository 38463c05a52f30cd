/**
 * Parses Angel One's `OpenAPIScripMaster.json` (protocol §3.5) into domain `Instrument`s: strike is
 * rupees x 100 (already paise), tick size is paise, expiry reads `04Apr2024`. Rows for segments the
 * platform does not trade (NCDEX) and malformed rows are skipped and counted, never fatal.
 */
import type { Exchange, Instrument, InstrumentType } from '@/domain/market';

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

const EXCHANGES = new Set<Exchange>(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS']);
const TYPES = new Set<InstrumentType>(['FUTIDX', 'FUTSTK', 'OPTIDX', 'OPTSTK', 'FUTCOM', 'OPTFUT']);
const MONTHS: Record<string, string> = {
  JAN: '01',
  FEB: '02',
  MAR: '03',
  APR: '04',
  MAY: '05',
  JUN: '06',
  JUL: '07',
  AUG: '08',
  SEP: '09',
  OCT: '10',
  NOV: '11',
  DEC: '12',
};

export interface ParseResult {
  instruments: Instrument[];
  skipped: number;
}

export function parseScripMaster(json: unknown): ParseResult {
  if (!Array.isArray(json)) throw new TypeError('scrip master is not a JSON array');
  const out: Instrument[] = [];
  const seenSymbols = new Set<string>();
  const seenTokens = new Set<string>();
  let skipped = 0;
  for (const raw of json as unknown[]) {
    const i = parseRow(raw);
    const tokenKey = i ? `${i.exchange}|${i.token}` : '';
    if (!i || seenSymbols.has(i.symbol) || seenTokens.has(tokenKey)) {
      skipped++;
      continue;
    }
    seenSymbols.add(i.symbol);
    seenTokens.add(tokenKey);
    out.push(i);
  }
  return { instruments: out, skipped };
}

export function parseRow(raw: unknown): Instrument | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Partial<Record<keyof ScripMasterRow, unknown>>;
  const exchange = text(r.exch_seg).toUpperCase() as Exchange;
  const token = text(r.token).trim();
  const tradingSymbol = text(r.symbol).trim();
  if (
    !EXCHANGES.has(exchange) ||
    !/^[A-Za-z0-9]{1,25}$/.test(token) ||
    !tradingSymbol ||
    tradingSymbol.length > 60
  )
    return null;
  const type = instrumentType(text(r.instrumenttype).trim().toUpperCase(), exchange, tradingSymbol);
  const strike = Number(r.strike);
  const lot = Number(r.lotsize);
  const tick = Number(r.tick_size);
  const expiry = parseExpiry(text(r.expiry));
  if (expiry === undefined) return null;
  const isOption = type === 'OPTIDX' || type === 'OPTSTK' || type === 'OPTFUT';
  const suffix = tradingSymbol.slice(-2).toUpperCase();
  return {
    symbol: `${exchange}:${tradingSymbol}`,
    exchange,
    tradingSymbol,
    token,
    name: text(r.name).trim().slice(0, 128),
    instrumentType: type,
    expiry,
    strikePaise: isOption && Number.isFinite(strike) && strike > 0 ? Math.round(strike) : null,
    optionType: isOption && (suffix === 'CE' || suffix === 'PE') ? suffix : null,
    lotSize: Number.isInteger(lot) && lot > 0 ? lot : 1,
    tickSizePaise: Number.isFinite(tick) && tick > 0 ? Math.round(tick) : 5,
  };
}

/** Scrip-master fields are strings; numbers are tolerated, anything else reads as blank. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function instrumentType(t: string, exchange: Exchange, symbol: string): InstrumentType {
  if (TYPES.has(t as InstrumentType)) return t as InstrumentType;
  if (t === 'AMXIDX' || t === 'INDEX') return 'INDEX';
  if (t === '' && (exchange === 'NSE' || exchange === 'BSE'))
    return /-(EQ|BE|BZ|SM|ST)$/.test(symbol) || exchange === 'BSE' ? 'EQ' : 'OTHER';
  return 'OTHER';
}

/** `04Apr2024` -> `2024-04-04`; '' -> null; anything else -> undefined (row rejected). */
export function parseExpiry(v: string): string | null | undefined {
  const s = v.trim();
  if (!s) return null;
  const m = /^(\d{1,2})([A-Za-z]{3})(\d{4})$/.exec(s);
  const month = m && MONTHS[m[2].toUpperCase()];
  if (!m || !month) return undefined;
  return `${m[3]}-${month}-${m[1].padStart(2, '0')}`;
}
