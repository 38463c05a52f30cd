import type { Instrument } from '@/domain/market';
import type { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { InstrumentDirectory, type InstrumentPage, type InstrumentQuery } from './instrument-directory';

/**
 * The directory over the broker module's instrument table. A miss triggers at most one reload a minute,
 * so an instrument master refreshed by another process becomes visible without a restart.
 */
export class CatalogInstrumentDirectory extends InstrumentDirectory {
  private lastReload = 0;

  constructor(
    private readonly catalog: Pick<InstrumentCatalog, 'get' | 'page' | 'ensure'>,
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

  /** Text search is optional: `?exchange=NFO&type=OPTIDX` alone pages through every matching contract. */
  async search(q: InstrumentQuery): Promise<InstrumentPage> {
    const { items, total } = await this.catalog.page({
      q: q.q,
      exchange: q.exchange,
      type: q.type,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    });
    return { items, total, page: q.page, pageSize: q.pageSize };
  }
}
