/**
 * Paper fills need market depth, which only SNAP-mode ticks carry, while other callers (the feed) may
 * subscribe the same instruments in lighter modes. The stream keeps one subscription per token, so
 * this class merges both: while a paper order works on an instrument, it stays subscribed in SNAP
 * whatever callers ask; when the last order ends, the caller's own subscription (or none) is restored.
 */
import type { TickSubscription } from '@/broker/broker.types';
import type { BrokerGateway } from '@/broker/broker-gateway';

type InstrumentRef = TickSubscription['instrument'];

export const instrumentKey = (i: Pick<InstrumentRef, 'exchange' | 'token'>): string =>
  `${i.exchange}:${i.token}`;

export class DepthSubscriptions {
  /** What callers subscribed through the paper gateway, by instrument key. */
  private readonly external = new Map<string, TickSubscription>();
  /** Instruments held in SNAP for working paper orders. */
  private readonly held = new Map<string, InstrumentRef>();

  constructor(private readonly inner: Pick<BrokerGateway, 'subscribeTicks' | 'unsubscribeTicks'>) {}

  /** Callers' subscriptions, upgraded to SNAP where a paper order needs depth. */
  subscribe(subs: TickSubscription[]): void {
    const out = subs.map((s) => {
      const key = instrumentKey(s.instrument);
      this.external.set(key, s);
      return this.held.has(key) ? { ...s, mode: 'SNAP' as const } : s;
    });
    if (out.length) this.inner.subscribeTicks(out);
  }

  /** Callers' unsubscriptions, except instruments a working paper order still needs. */
  unsubscribe(subs: TickSubscription[]): void {
    const out = subs.filter((s) => {
      const key = instrumentKey(s.instrument);
      this.external.delete(key);
      return !this.held.has(key);
    });
    if (out.length) this.inner.unsubscribeTicks(out);
  }

  hold(instrument: InstrumentRef): void {
    const key = instrumentKey(instrument);
    if (this.held.has(key)) return;
    this.held.set(key, { symbol: instrument.symbol, exchange: instrument.exchange, token: instrument.token });
    if (this.external.get(key)?.mode === 'SNAP') return;
    this.inner.subscribeTicks([{ instrument: this.held.get(key)!, mode: 'SNAP' }]);
  }

  release(key: string): void {
    const instrument = this.held.get(key);
    if (!instrument) return;
    this.held.delete(key);
    const own = this.external.get(key);
    if (!own) this.inner.unsubscribeTicks([{ instrument, mode: 'SNAP' }]);
    else if (own.mode !== 'SNAP') this.inner.subscribeTicks([own]);
  }

  isHeld(key: string): boolean {
    return this.held.has(key);
  }
}
