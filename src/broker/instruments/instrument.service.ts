import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig } from '@/config/app-config';
import type { Exchange, Instrument } from '@/domain/market';
import { InstrumentCatalog, type InstrumentSearch } from './instrument-catalog';

/**
 * The platform's instrument lookups (by `EXCHANGE:TRADINGSYMBOL`, by exchange token, search), backed by
 * the `instruments` table. The worker role loads the scrip master when the table is empty and refreshes
 * it daily at 08:45 IST, after Angel publishes the day's file (~08:30).
 */
@Injectable()
export class InstrumentService implements OnApplicationBootstrap {
  private readonly log = new Logger('InstrumentService');

  constructor(
    readonly catalog: InstrumentCatalog,
    private readonly config: AppConfig,
  ) {}

  get(symbol: string): Promise<Instrument | null> {
    return this.catalog.get(symbol);
  }

  getByToken(exchange: Exchange, token: string): Promise<Instrument | null> {
    return this.catalog.getByToken(exchange, token);
  }

  search(query: InstrumentSearch): Promise<Instrument[]> {
    return this.catalog.search(query);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hasRole('worker')) return;
    if ((await this.catalog.count()) > 0) return;
    // Not awaited: boot must not wait on a large download; lookups fill in when it lands.
    void this.refresh();
  }

  @Cron('45 8 * * *', { timeZone: 'Asia/Kolkata', name: 'instrument-master-refresh' })
  async scheduledRefresh(): Promise<void> {
    if (this.config.hasRole('worker')) await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      await this.catalog.refresh(this.config.broker.scripMasterUrl);
    } catch (e) {
      this.log.error(`instrument master refresh failed: ${(e as Error).message}`);
    }
  }
}
