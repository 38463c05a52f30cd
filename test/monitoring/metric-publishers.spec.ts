import { register } from 'prom-client';
import { brokerErrorCode, countBrokerError } from '@/broker/broker.metrics';
import { clearFeedHealth, publishFeedHealth } from '@/market-data/feed/feed.metrics';
import type { OrderEntity } from '@/orders/entities/order.entity';
import type { ApplyResult } from '@/orders/order.store';
import { countApplied, countClaimed, countInserted, countReconciliation } from '@/orders/orders.metrics';
import { publishPortfolioMetrics, type PortfolioFigures } from '@/portfolio/portfolio.metrics';

/** Current samples of one metric as `labels -> value` (labels joined as `k=v,k=v`). */
async function values(name: string): Promise<Record<string, number>> {
  const m = await register.getSingleMetric(name)!.get();
  return Object.fromEntries(
    m.values.map((v) => [
      Object.entries(v.labels)
        .map(([k, x]) => `${k}=${x}`)
        .join(','),
      v.value,
    ]),
  );
}

const figures = (over: Partial<PortfolioFigures>): PortfolioFigures => ({
  realisedPaise: 0,
  unrealisedPaise: 0,
  dayPaise: 0,
  equityPaise: 100_000_00,
  peakEquityPaise: 100_000_00,
  positions: [],
  strategies: [],
  ...over,
});

describe('portfolio metrics', () => {
  it('publishes positions per instrument and drops the series of a closed position (bounded labels)', async () => {
    const { gross, net } = publishPortfolioMetrics(
      figures({
        positions: [
          { symbol: 'NSE:SBIN-EQ', quantity: 10, markPaise: 800_00 },
          { symbol: 'NSE:INFY-EQ', quantity: -2, markPaise: 1500_00 },
        ],
      }),
    );
    expect({ gross, net }).toEqual({ gross: 8000_00 + 3000_00, net: 8000_00 - 3000_00 });
    expect(await values('trading_bot_position_quantity')).toEqual({
      'instrument=NSE:SBIN-EQ': 10,
      'instrument=NSE:INFY-EQ': -2,
    });
    expect(await values('trading_bot_position_value_paise')).toEqual({
      'instrument=NSE:SBIN-EQ': 8000_00,
      'instrument=NSE:INFY-EQ': -3000_00,
    });
    publishPortfolioMetrics(
      figures({ positions: [{ symbol: 'NSE:INFY-EQ', quantity: -1, markPaise: 1490_00 }] }),
    );
    expect(await values('trading_bot_position_quantity')).toEqual({ 'instrument=NSE:INFY-EQ': -1 });
    expect(await values('trading_bot_gross_exposure_paise')).toEqual({ '': 1490_00 });
    expect(await values('trading_bot_net_exposure_paise')).toEqual({ '': -1490_00 });
    expect(await values('trading_bot_open_positions')).toEqual({ '': 1 });
  });

  it('keeps the worst drawdown while the current one recovers', async () => {
    publishPortfolioMetrics(figures({ equityPaise: 90_000_00, peakEquityPaise: 100_000_00 }));
    expect(await values('trading_bot_drawdown_ratio')).toEqual({ '': 0.1 });
    publishPortfolioMetrics(figures({ equityPaise: 95_000_00, peakEquityPaise: 100_000_00 }));
    expect(await values('trading_bot_drawdown_ratio')).toEqual({ '': 0.05 });
    expect(await values('trading_bot_drawdown_max_ratio')).toEqual({ '': 0.1 });
  });

  it('labels per-strategy P&L with the instance id, and orders without one as manual', async () => {
    publishPortfolioMetrics(
      figures({
        dayPaise: -150,
        strategies: [
          { id: '', realisedPaise: 0, unrealisedPaise: 200, dayPaise: -50 },
          { id: 'sma-1', realisedPaise: -300, unrealisedPaise: 0, dayPaise: -100 },
        ],
      }),
    );
    expect(await values('trading_bot_strategy_pnl_day_paise')).toEqual({
      'strategy=manual': -50,
      'strategy=sma-1': -100,
    });
    expect(await values('trading_bot_pnl_day_paise')).toEqual({ '': -150 });
  });
});

describe('orders metrics', () => {
  const order = (strategyId: string | null, status: OrderEntity['status']) =>
    ({ strategyId, status }) as OrderEntity;

  it('counts a state only when the status changes, and fills by strategy and side', async () => {
    countInserted({ order: order(null, 'QUEUED'), created: true });
    countInserted({ order: order(null, 'QUEUED'), created: false }); // an idempotent replay
    countClaimed({ kind: 'claimed', order: order('sma-1', 'SUBMITTING') });
    countClaimed({ kind: 'skipped', status: 'OPEN' });
    const state = { status: 'FILLED' as const, quantity: 3, filledQty: 3, avgPricePaise: 100 };
    countApplied({
      order: order('sma-1', 'FILLED'),
      step: { changed: true, state, from: 'OPEN', to: 'FILLED' },
      written: true,
      fill: { side: 'BUY', strategyId: 'sma-1' },
    } as unknown as ApplyResult);
    // A modify that keeps the status is not a new state.
    countApplied({
      order: order('sma-1', 'OPEN'),
      step: { changed: true, state: { ...state, status: 'OPEN' }, from: 'OPEN', to: 'OPEN' },
      written: true,
      fill: null,
    } as unknown as ApplyResult);
    expect(await values('trading_bot_orders_total')).toEqual({
      'strategy=manual,state=queued': 1,
      'strategy=sma-1,state=submitting': 1,
      'strategy=sma-1,state=filled': 1,
    });
    expect(await values('trading_bot_fills_total')).toEqual({ 'strategy=sma-1,side=buy': 1 });
  });

  it('records each reconciliation pass by result with its mismatch count', async () => {
    const base = { trigger: 'schedule' as const, startedAt: '', brokerOrders: 0, updatesApplied: 0 };
    const pass = { ...base, adoptedExternal: 0, unknownSettled: 0, finishedAt: '2026-01-05T04:00:00.000Z' };
    countReconciliation({ ...pass, ok: true, mismatches: [] });
    countReconciliation({
      ...pass,
      ok: false,
      mismatches: [{ kind: 'fill_gap', subject: 'x', local: 1, broker: 2, message: 'gap' }],
    });
    countReconciliation({ ...pass, ok: false, mismatches: [], error: 'broker down' });
    expect(await values('trading_bot_reconciliation_runs_total')).toEqual({
      'result=ok': 1,
      'result=mismatch': 1,
      'result=error': 1,
    });
    expect(await values('trading_bot_reconciliation_mismatches')).toEqual({ '': 0 });
    expect(await values('trading_bot_reconciliation_last_run_timestamp_seconds')).toEqual({
      '': Date.parse('2026-01-05T04:00:00.000Z') / 1000,
    });
  });
});

describe('broker error codes', () => {
  it.each([
    ['rejected', 'AB4008', 200, 'AB4008'],
    ['auth', 'AG8001', 200, 'AG8001'],
    ['rate_limited', 'RATE_LIMIT', 403, 'RATE_LIMIT'],
    ['unavailable', '502', 502, 'HTTP_502'],
    ['unavailable', null, null, 'UNAVAILABLE'],
    ['ambiguous', null, null, 'AMBIGUOUS'],
    // Free text from the broker never becomes a label value.
    ['rejected', 'Invalid order 123456', 200, 'REJECTED'],
  ] as const)('%s %s (HTTP %s) is counted as %s', (kind, code, status, expected) => {
    expect(brokerErrorCode(kind, code, status)).toBe(expected);
  });

  it('counts by route and code', async () => {
    countBrokerError('placeOrder', 'rejected', 'AB4008', 200);
    countBrokerError('placeOrder', 'rejected', 'AB4008', 200);
    countBrokerError('getLtpData', 'unavailable', '503', 503);
    expect(await values('trading_bot_broker_errors_total')).toEqual({
      'route=placeOrder,code=AB4008': 2,
      'route=getLtpData,code=HTTP_503': 1,
    });
  });
});

describe('feed health', () => {
  const calendar = { isOpen: (segment: string) => segment === 'fno' };

  it('reports the market open when a segment of a subscribed instrument trades, and the last tick time', async () => {
    publishFeedHealth(calendar, [{ exchange: 'NSE' }], 1_700_000_000_000, 0);
    expect(await values('trading_bot_feed_market_open')).toEqual({ '': 0 });
    expect(await values('trading_bot_feed_last_tick_timestamp_seconds')).toEqual({ '': 0 });
    publishFeedHealth(
      calendar,
      [{ exchange: 'NSE' }, { exchange: 'NFO' }],
      1_700_000_000_000,
      1_699_999_999_500,
    );
    expect(await values('trading_bot_feed_market_open')).toEqual({ '': 1 });
    expect(await values('trading_bot_feed_last_tick_timestamp_seconds')).toEqual({ '': 1_699_999_999.5 });
    clearFeedHealth();
    expect(await values('trading_bot_feed_market_open')).toEqual({ '': 0 });
  });
});
