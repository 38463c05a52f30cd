import type { Exchange, Instrument, InstrumentType } from '@/domain/market';

export interface InstrumentQuery {
  q?: string;
  exchange?: Exchange;
  type?: InstrumentType;
  page: number;
  pageSize: number;
}

export interface InstrumentPage {
  items: Instrument[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Symbol lookup as market data needs it (the DI token). Bound to the broker's instrument master by
 * default; the broker module's InstrumentService can be bound instead without touching callers.
 */
export abstract class InstrumentDirectory {
  abstract get(symbol: string): Promise<Instrument | null>;
  abstract search(query: InstrumentQuery): Promise<InstrumentPage>;

  /** Known instruments for these symbols, in the same order; unknown ones are absent from the map. */
  async resolve(symbols: readonly string[]): Promise<Map<string, Instrument>> {
    const out = new Map<string, Instrument>();
    for (const s of symbols) {
      const i = await this.get(s);
      if (i) out.set(s, i);
    }
    return out;
  }
}

/**
 * The broker's instrument master held in memory, loaded on first use and reloaded after `maxAgeMs`
 * (the scrip master is refreshed daily around 08:30 IST). Concurrent first calls share one load.
 */
export class MasterInstrumentDirectory extends InstrumentDirectory {
  private bySymbol = new Map<string, Instrument>();
  private all: Instrument[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<Instrument[]>,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 6 * 3_600_000,
  ) {
    super();
  }

  async get(symbol: string): Promise<Instrument | null> {
    await this.ensure();
    return this.bySymbol.get(symbol) ?? null;
  }

  async search(query: InstrumentQuery): Promise<InstrumentPage> {
    await this.ensure();
    const q = query.q?.trim().toUpperCase();
    const hits = this.all.filter(
      (i) =>
        (!query.exchange || i.exchange === query.exchange) &&
        (!query.type || i.instrumentType === query.type) &&
        (!q || i.symbol.toUpperCase().includes(q) || i.name.toUpperCase().includes(q)),
    );
    // Exact and prefix matches first, so "SBIN" finds NSE:SBIN-EQ before SBIN options.
    if (q) hits.sort((a, b) => rank(a, q) - rank(b, q) || a.symbol.localeCompare(b.symbol));
    const start = (query.page - 1) * query.pageSize;
    return {
      items: hits.slice(start, start + query.pageSize),
      total: hits.length,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  private async ensure(): Promise<void> {
    if (this.loadedAt && this.now() - this.loadedAt < this.maxAgeMs) return;
    this.loading ??= this.load()
      .then((list) => {
        this.all = list;
        this.bySymbol = new Map(list.map((i) => [i.symbol, i]));
        this.loadedAt = this.now();
      })
      .finally(() => (this.loading = null));
    // A failed reload keeps serving the previous list when there is one.
    await (this.loadedAt ? this.loading.catch(() => undefined) : this.loading);
  }
}

function rank(i: Instrument, q: string): number {
  const t = i.tradingSymbol.toUpperCase();
  if (t === q || t === `${q}-EQ`) return 0;
  if (t.startsWith(q)) return 1;
  return 2;
}
