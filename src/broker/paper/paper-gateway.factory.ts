import { Logger } from '@nestjs/common';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import type { Clock } from '@/common/clock';
import { rupeesToPaise } from '@/common/money';
import type { AppConfig } from '@/config/app-config';
import { PaperGateway } from './paper-gateway';
import { RedisPaperStateStore, type KeyValue } from './paper-state.store';

/**
 * The paper gateway as TRADING_MODE=paper needs it: market data from `inner` (the Angel One gateway),
 * PAPER_CAPITAL as starting cash, lot and tick sizes from the instrument catalog, and the book kept in
 * Redis under `redisKey` when a client is given and this process is the worker (so a restart finds its
 * orders and positions). The book is per process: paper mode needs api and worker in one process.
 */
export function createPaperGateway(deps: {
  config: AppConfig;
  inner: BrokerGateway;
  catalog?: InstrumentCatalog;
  redis?: KeyValue;
  redisKey?: string;
  clock?: Clock;
}): PaperGateway {
  const log = new Logger('PaperGateway');
  const owner = deps.config.hasRole('worker');
  if (!owner || !deps.config.hasRole('api'))
    log.warn(
      'paper mode keeps the book in the worker process: run the api and worker roles in one process, or API cancels and funds will not see paper orders',
    );
  // peekByToken is empty until the catalog's first load; unknown instruments trade in lots of 1.
  deps.catalog?.ensure().catch((e: Error) => log.warn(`instrument catalog not loaded: ${e.message}`));
  return new PaperGateway({
    inner: deps.inner,
    capitalPaise: rupeesToPaise(deps.config.env.PAPER_CAPITAL),
    clock: deps.clock,
    instrumentSpec: deps.catalog ? (i) => deps.catalog!.peekByToken(i.exchange, i.token) : undefined,
    // Only the worker (which places orders) owns the saved book; another process must not overwrite it.
    store:
      owner && deps.redis && deps.redisKey ? new RedisPaperStateStore(deps.redis, deps.redisKey) : undefined,
    onError: (message) => log.error(message),
  });
}
