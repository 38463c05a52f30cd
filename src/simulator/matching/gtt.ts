import type { Clock } from '@/common/clock';
import type { SimInstrument } from '../market/instruments';
import type { InstrumentState, Market } from '../market/market';
import type { MatchingEngine } from './engine';
import type { SimProductType, SimSide } from './types';

export type GttStatus = 'NEW' | 'ACTIVE' | 'CANCELLED' | 'SENTTOEXCHANGE';

export interface GttRule {
  id: number;
  clientCode: string;
  instrument: SimInstrument;
  exchange: string;
  producttype: SimProductType;
  transactiontype: SimSide;
  pricePaise: number;
  triggerPaise: number;
  qty: number;
  disclosedqty: number;
  timeperiodDays: number;
  status: GttStatus;
  createdAt: number;
  updatedAt: number;
  /** Side of the market relative to the trigger when the rule was set; the rule fires when it flips. */
  triggerAbove: boolean;
}

/** GTT rules: when the LTP reaches the trigger, a LIMIT order is placed and the rule is SENTTOEXCHANGE. */
export class GttBook {
  private readonly rules = new Map<number, GttRule>();
  private nextId = 1000;

  constructor(
    private readonly clock: Clock,
    private readonly market: Market,
    private readonly engine: MatchingEngine,
  ) {
    market.onTicks((states) => this.onMarket(states));
  }

  create(r: Omit<GttRule, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'triggerAbove'>): GttRule {
    const now = this.clock.now();
    const ltp = this.market.state(r.instrument.token)?.ltp ?? 0;
    const rule: GttRule = {
      ...r,
      id: this.nextId++,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      triggerAbove: r.triggerPaise > ltp,
    };
    this.rules.set(rule.id, rule);
    return rule;
  }

  get(clientCode: string, id: number): GttRule | undefined {
    const r = this.rules.get(id);
    return r && r.clientCode === clientCode ? r : undefined;
  }

  modify(
    rule: GttRule,
    patch: Partial<Pick<GttRule, 'pricePaise' | 'triggerPaise' | 'qty' | 'disclosedqty' | 'timeperiodDays'>>,
  ): GttRule {
    Object.assign(rule, patch, { updatedAt: this.clock.now() });
    rule.triggerAbove = rule.triggerPaise > (this.market.state(rule.instrument.token)?.ltp ?? 0);
    return rule;
  }

  cancel(rule: GttRule): void {
    rule.status = 'CANCELLED';
    rule.updatedAt = this.clock.now();
  }

  list(clientCode: string, statuses: string[], page: number, count: number): GttRule[] {
    const all = statuses.includes('FORALL');
    const matching = [...this.rules.values()].filter(
      (r) => r.clientCode === clientCode && (all || statuses.includes(r.status)),
    );
    return matching.slice((page - 1) * count, page * count);
  }

  expiryMs(rule: GttRule): number {
    return rule.createdAt + rule.timeperiodDays * 86_400_000;
  }

  private onMarket(states: InstrumentState[]): void {
    const byToken = new Map(states.map((s) => [s.instrument.token, s]));
    for (const r of this.rules.values()) {
      if (r.status !== 'ACTIVE') continue;
      const st = byToken.get(r.instrument.token);
      if (!st) continue;
      if (this.clock.now() > this.expiryMs(r)) {
        r.status = 'CANCELLED';
        continue;
      }
      const hit = r.triggerAbove ? st.ltp >= r.triggerPaise : st.ltp <= r.triggerPaise;
      if (!hit) continue;
      r.status = 'SENTTOEXCHANGE';
      r.updatedAt = this.clock.now();
      this.engine.place(r.clientCode, {
        variety: 'NORMAL',
        tradingsymbol: r.instrument.symbol,
        symboltoken: r.instrument.token,
        transactiontype: r.transactiontype,
        exchange: r.exchange,
        ordertype: 'LIMIT',
        producttype: r.producttype,
        duration: 'DAY',
        pricePaise: r.pricePaise,
        triggerPaise: 0,
        quantity: r.qty,
        disclosedquantity: r.disclosedqty,
        ordertag: `GTT${r.id}`,
        squareoffPaise: 0,
        stoplossPaise: 0,
        trailingPaise: 0,
      });
    }
  }
}
