import type { Instrument } from '@/domain/market';
import type { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { InstrumentDirectory, type InstrumentPage, type InstrumentQuery } from './instrument-directory';

const MAX_HITS = 200;

/**
 * The directory over the broker module's instrument table. A miss triggers at most one reload a minute,
 * so an instrument master refreshed by another process becomes visible without a restart.
 */
export class CatalogInstrumentDirectory extends InstrumentDirectory {
  private lastReload = 0;

  constructor(
    private readonly catalog: Pick<InstrumentCatalog, 'get' | 'search' | 'ensure'>,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async get(symbol: string): Promise<Instrument | null> {
    const hit = await this.catalog.get(symbol);
    if (hit || this.now() - this.lastReload < 60_000) return hit;
    this.lastReload = this.now();
    await this.catalog.ensure(true);
    return this.catalog.get(symbol);
  }

  /** `total` counts matches up to 200 (the catalog's search cap). */
  async search(q: InstrumentQuery): Promise<InstrumentPage> {
    const hits = q.q
      ? await this.catalog.search({ q: q.q, exchange: q.exchange, type: q.type, limit: MAX_HITS })
      : [];
    const start = (q.page - 1) * q.pageSize;
    return {
      items: hits.slice(start, start + q.pageSize),
      total: hits.length,
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}
