/**
 * The instrument master in the `instruments` table with an in-memory index for hot-path lookups by
 * symbol and by exchange token. `refresh` replaces the whole table in one transaction, so readers never
 * see half a master. Plain class (the Nest InstrumentService wraps it with the 08:45 IST schedule).
 */
import { readFile } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import type { BrokerLogger } from '@/broker/broker-logger';
import type { Exchange, Instrument, InstrumentType } from '@/domain/market';
import { InstrumentEntity } from './instrument.entity';
import { parseScripMaster } from './scrip-master';

const CHUNK = 1000;

export interface InstrumentSearch {
  q: string;
  exchange?: Exchange;
  type?: InstrumentType;
  limit?: number;
}

export class InstrumentCatalog {
  private bySymbol = new Map<string, Instrument>();
  private byToken = new Map<string, Instrument>();
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** When a load last found the table empty (0: never). */
  private emptyReadAt = 0;

  constructor(
    private readonly db: DataSource,
    private readonly logger: BrokerLogger,
  ) {}

  /** Downloads (http/https URL) or reads (file path) the scrip master and replaces the table. */
  async refresh(source: string, timeoutMs = 120_000): Promise<{ stored: number; skipped: number }> {
    const text = /^https?:\/\//.test(source)
      ? await fetch(source, { signal: AbortSignal.timeout(timeoutMs) }).then(async (r) => {
          if (!r.ok) throw new Error(`scrip master download failed: HTTP ${r.status}`);
          return r.text();
        })
      : await readFile(source.replace(/^file:\/\//, ''), 'utf8');
    const { instruments, skipped } = parseScripMaster(JSON.parse(text));
    if (instruments.length === 0)
      throw new Error('scrip master has no usable rows; keeping the current table');
    await this.replace(instruments);
    this.logger.log(
      `instrument master refreshed: ${instruments.length} instruments (${skipped} rows skipped)`,
    );
    return { stored: instruments.length, skipped };
  }

  async replace(instruments: Instrument[]): Promise<void> {
    const now = new Date();
    await this.db.transaction(async (m) => {
      await m.query('DELETE FROM "instruments"');
      for (let i = 0; i < instruments.length; i += CHUNK) {
        await m.insert(
          InstrumentEntity,
          instruments.slice(i, i + CHUNK).map((x) => toEntity(x, now)),
        );
      }
    });
    this.index(instruments);
  }

  async count(): Promise<number> {
    return this.db.getRepository(InstrumentEntity).count();
  }

  async get(symbol: string): Promise<Instrument | null> {
    await this.ensure();
    return this.bySymbol.get(symbol) ?? null;
  }

  async getByToken(exchange: Exchange, token: string): Promise<Instrument | null> {
    await this.ensure();
    return this.byToken.get(`${exchange}|${token}`) ?? null;
  }

  /** Synchronous lookups for the tick path; empty until the first load. */
  peekByToken(exchange: Exchange, token: string): Instrument | undefined {
    return this.byToken.get(`${exchange}|${token}`);
  }

  /** Case-insensitive prefix-first search over symbol and name. */
  async search(s: InstrumentSearch): Promise<Instrument[]> {
    const q = s.q.trim().toUpperCase();
    const limit = Math.min(Math.max(s.limit ?? 20, 1), 200);
    if (!q) return [];
    const rows = await this.db
      .getRepository(InstrumentEntity)
      .createQueryBuilder('i')
      .where('(upper(i.trading_symbol) LIKE :p OR upper(i.name) LIKE :c OR upper(i.symbol) LIKE :p)', {
        p: `${escapeLike(q)}%`,
        c: `%${escapeLike(q)}%`,
      })
      .andWhere(s.exchange ? 'i.exchange = :ex' : '1=1', { ex: s.exchange })
      .andWhere(s.type ? 'i.instrument_type = :t' : '1=1', { t: s.type })
      .orderBy('CASE WHEN upper(i.trading_symbol) LIKE :p THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('length(i.trading_symbol)', 'ASC')
      .addOrderBy('i.symbol', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(fromEntity);
  }

  /**
   * One page of the instrument list, optionally filtered by text, exchange and type, with the exact total.
   * Without `q` it lists in symbol order (e.g. every NFO contract).
   */
  async page(s: {
    q?: string;
    exchange?: Exchange;
    type?: InstrumentType;
    offset: number;
    limit: number;
  }): Promise<{ items: Instrument[]; total: number }> {
    const q = (s.q ?? '').trim().toUpperCase();
    const qb = this.db.getRepository(InstrumentEntity).createQueryBuilder('i');
    if (q) {
      qb.where('(upper(i.trading_symbol) LIKE :p OR upper(i.name) LIKE :c OR upper(i.symbol) LIKE :p)', {
        p: `${escapeLike(q)}%`,
        c: `%${escapeLike(q)}%`,
      });
    }
    if (s.exchange) qb.andWhere('i.exchange = :ex', { ex: s.exchange });
    if (s.type) qb.andWhere('i.instrument_type = :t', { t: s.type });
    if (q)
      qb.orderBy('CASE WHEN upper(i.trading_symbol) LIKE :p THEN 0 ELSE 1 END', 'ASC').addOrderBy(
        'length(i.trading_symbol)',
        'ASC',
      );
    qb.addOrderBy('i.symbol', 'ASC')
      .offset(Math.max(0, s.offset))
      .limit(Math.min(Math.max(s.limit, 1), 500));
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(fromEntity), total };
  }

  /**
   * Loads the table into the in-memory index once (call again after another process refreshed it).
   * An empty table does not count as loaded: at startup the master is often still being fetched (by
   * this process's broker module or another process) when the first lookup comes, and an index of
   * nothing would answer "unknown" until a restart. It is read again, at most once a second, until
   * it has rows.
   */
  ensure(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    if (!force && this.loading === null && Date.now() - this.emptyReadAt < 1_000) return Promise.resolve();
    this.loading ??= this.db
      .getRepository(InstrumentEntity)
      .find()
      .then((rows) => {
        // Forced reloads too (a directory reloading on a miss): nothing replaces a list with nothing.
        if (rows.length === 0) this.emptyReadAt = Date.now();
        else this.index(rows.map(fromEntity));
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private index(list: Instrument[]): void {
    const bySymbol = new Map<string, Instrument>();
    const byToken = new Map<string, Instrument>();
    for (const i of list) {
      bySymbol.set(i.symbol, i);
      byToken.set(`${i.exchange}|${i.token}`, i);
    }
    this.bySymbol = bySymbol;
    this.byToken = byToken;
    this.loaded = true;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toEntity(i: Instrument, now: Date): InstrumentEntity {
  return {
    exchange: i.exchange,
    token: i.token,
    symbol: i.symbol,
    tradingSymbol: i.tradingSymbol,
    name: i.name,
    instrumentType: i.instrumentType,
    expiry: i.expiry,
    strikePaise: i.strikePaise,
    optionType: i.optionType,
    lotSize: i.lotSize,
    tickSizePaise: i.tickSizePaise,
    updatedAt: now,
  };
}

function fromEntity(e: InstrumentEntity): Instrument {
  return {
    symbol: e.symbol,
    exchange: e.exchange as Exchange,
    tradingSymbol: e.tradingSymbol,
    token: e.token,
    name: e.name,
    instrumentType: e.instrumentType as InstrumentType,
    expiry: e.expiry,
    strikePaise: e.strikePaise,
    optionType: (e.optionType as 'CE' | 'PE' | null) ?? null,
    lotSize: e.lotSize,
    tickSizePaise: e.tickSizePaise,
  };
}
