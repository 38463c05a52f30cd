/**
 * Indian trading charges per order leg, from the rate schedules in `config/charges.json`.
 *
 * Per fill, on turnover T = price x quantity (options: premium turnover):
 *   brokerage = clamp(T x brokerage%, min, max), capped per order across its partial fills
 *   STT       = T x stt% of the side            exchange = T x txn%      IPFT = T x ipft%
 *   SEBI fee  = T x 0.0001% (Rs 10 / crore)     stamp    = T x stamp% (buy side only)
 *   DP charge = flat per delivery sell order    GST      = 18% of (brokerage + exchange + IPFT + SEBI + DP)
 * Each component is rounded half-up to the paisa on its own (contract notes round per line); the
 * total is their sum. Decimal arithmetic, so no float drift at the half-paisa boundary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Decimal from 'decimal.js';
import type { Paise } from '@/common/money';
import type { InstrumentType, ProductType, Side } from '@/domain/market';

export type ChargeSegment = 'EQUITY_INTRADAY' | 'EQUITY_DELIVERY' | 'FUTURES' | 'OPTIONS';

export interface SegmentRates {
  brokerage: { percent: string; maxPaise: number; minPaise: number };
  sttPercent: { buy: string; sell: string };
  exchangeTxnPercent: string;
  ipftPercent: string;
  sebiPercent: string;
  stampDutyBuyPercent: string;
  gstPercent: string;
  dpChargeSellPaise: number;
}

export interface ChargeSchedule {
  effectiveFrom: string; // YYYY-MM-DD, IST
  source: string;
  segments: Record<ChargeSegment, SegmentRates>;
}

export interface ChargesConfig {
  schedules: ChargeSchedule[];
}

export interface ChargeBreakdown {
  brokerage: Paise;
  stt: Paise;
  exchange: Paise;
  ipft: Paise;
  sebi: Paise;
  stampDuty: Paise;
  dp: Paise;
  gst: Paise;
  total: Paise;
}

export interface ChargeInput {
  segment: ChargeSegment;
  side: Side;
  turnoverPaise: Paise;
  /** Epoch ms of the fill; selects the schedule. */
  time: number;
  /** Brokerage already charged on earlier partial fills of the same order (the cap is per order). */
  brokerageSoFarPaise?: Paise;
  /** True on the first fill of an order (flat per-order charges such as DP apply once). */
  firstFillOfOrder?: boolean;
}

export const ZERO_CHARGES: Readonly<ChargeBreakdown> = Object.freeze({
  brokerage: 0,
  stt: 0,
  exchange: 0,
  ipft: 0,
  sebi: 0,
  stampDuty: 0,
  dp: 0,
  gst: 0,
  total: 0,
});

/** Segment of an instrument traded under a product type. */
export function segmentOf(instrumentType: InstrumentType, product: ProductType): ChargeSegment {
  switch (instrumentType) {
    case 'FUTIDX':
    case 'FUTSTK':
    case 'FUTCOM':
      return 'FUTURES';
    case 'OPTIDX':
    case 'OPTSTK':
    case 'OPTFUT':
      return 'OPTIONS';
    case 'EQ':
    case 'INDEX':
    case 'OTHER':
      return product === 'INTRADAY' ? 'EQUITY_INTRADAY' : 'EQUITY_DELIVERY';
  }
}

export function loadChargesConfig(
  path = join(__dirname, '..', '..', 'config', 'charges.json'),
): ChargesConfig {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as ChargesConfig;
  if (!Array.isArray(parsed.schedules) || parsed.schedules.length === 0)
    throw new Error(`${path}: no charge schedules`);
  for (const s of parsed.schedules) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s.effectiveFrom) || !s.source)
      throw new Error(`${path}: each schedule needs effectiveFrom and source`);
  }
  return parsed;
}

/** Anything that prices a fill; `NoCharges` is `--fees none`. */
export interface ChargesModel {
  compute(input: ChargeInput): ChargeBreakdown;
}

export class NoCharges implements ChargesModel {
  compute(): ChargeBreakdown {
    return { ...ZERO_CHARGES };
  }
}

export class IndianCharges implements ChargesModel {
  private readonly schedules: { from: number; schedule: ChargeSchedule }[];

  constructor(config: ChargesConfig = loadChargesConfig()) {
    this.schedules = config.schedules
      .map((schedule) => ({ from: Date.parse(`${schedule.effectiveFrom}T00:00:00+05:30`), schedule }))
      .sort((a, b) => a.from - b.from);
  }

  /** The schedule in force at `time`; fills before the earliest schedule use the earliest (documented). */
  scheduleAt(time: number): ChargeSchedule {
    let chosen = this.schedules[0].schedule;
    for (const s of this.schedules) if (s.from <= time) chosen = s.schedule;
    return chosen;
  }

  compute(input: ChargeInput): ChargeBreakdown {
    const r = this.scheduleAt(input.time).segments[input.segment];
    const t = new Decimal(input.turnoverPaise);
    const pct = (p: string): Decimal => t.mul(p).div(100);
    const round = (d: Decimal): number => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    const buy = input.side === 'BUY';
    const first = input.firstFillOfOrder ?? true;

    const soFar = input.brokerageSoFarPaise ?? 0;
    let brokerage = round(pct(r.brokerage.percent));
    if (first) brokerage = Math.max(brokerage, r.brokerage.minPaise);
    brokerage = Math.max(0, Math.min(brokerage, r.brokerage.maxPaise - soFar));
    const stt = round(pct(buy ? r.sttPercent.buy : r.sttPercent.sell));
    const exchange = round(pct(r.exchangeTxnPercent));
    const ipft = round(pct(r.ipftPercent));
    const sebi = round(pct(r.sebiPercent));
    const stampDuty = buy ? round(pct(r.stampDutyBuyPercent)) : 0;
    const dp = !buy && first ? r.dpChargeSellPaise : 0;
    const gst = round(new Decimal(brokerage + exchange + ipft + sebi + dp).mul(r.gstPercent).div(100));
    return {
      brokerage,
      stt,
      exchange,
      ipft,
      sebi,
      stampDuty,
      dp,
      gst,
      total: brokerage + stt + exchange + ipft + sebi + stampDuty + dp + gst,
    };
  }
}
