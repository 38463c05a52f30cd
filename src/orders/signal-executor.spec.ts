import { ManualClock } from '@/common/clock';
import { OrderSink, type OrderIntent, type Signal } from '@/domain/execution';
import { RiskEngine } from '@/risk/risk-engine';
import type { RiskLimits } from '@/risk/risk-types';
import { FakeRiskView } from '@/risk/testing/fake-risk-view';
import { marketableLimit, SignalExecutor, type SignalExecutorOptions } from './signal-executor';

const T0 = Date.UTC(2025, 0, 6, 4, 30);
const SBIN = 'NSE:SBIN-EQ';

class RecordingSink extends OrderSink {
  sent: OrderIntent[] = [];
  refuse: string | null = null;
  async submit(intent: OrderIntent) {
    if (this.refuse) return { accepted: false, reason: this.refuse };
    this.sent.push(intent);
    return { accepted: true, orderId: `ord-${this.sent.length}` };
  }
}

function setup(opts: Partial<SignalExecutorOptions> = {}, limits: Partial<RiskLimits> = {}) {
  const clock = new ManualClock(T0);
  const view = new FakeRiskView().addInstrument(SBIN, 800_00, T0);
  const risk = new RiskEngine({ view, clock, limits: { maxOrdersPerSecond: 0, ...limits } });
  const sink = new RecordingSink();
  let n = 0;
  const executor = new SignalExecutor({
    risk,
    view,
    sink,
    clock,
    sizing: { kind: 'FIXED_QUANTITY', quantity: 10 },
    newClientOrderId: () => `cid-${++n}`,
    ...opts,
  });
  return { clock, view, risk, sink, executor };
}

const signal = (extra: Partial<Signal> = {}): Signal => ({
  symbol: SBIN,
  side: 'BUY',
  strength: 1,
  reason: 'sma cross',
  strategyId: 'sma',
  time: T0,
  ...extra,
});

describe('SignalExecutor', () => {
  it('sizes an entry, checks risk and submits the intent with the signal protections', async () => {
    const { executor, sink } = setup({ userId: 'u1', ttlMs: 5000 });
    const r = await executor.execute(signal({ stopLossPaise: 790_00, takeProfitPaise: 820_00 }));
    expect(r).toMatchObject({ status: 'SUBMITTED', orderId: 'ord-1' });
    expect(sink.sent).toEqual([
      {
        clientOrderId: 'cid-1',
        symbol: SBIN,
        side: 'BUY',
        quantity: 10,
        type: 'MARKET',
        product: 'INTRADAY',
        validity: 'DAY',
        createdAt: T0,
        reason: 'sma cross',
        stopLossPaise: 790_00,
        takeProfitPaise: 820_00,
        strategyId: 'sma',
        userId: 'u1',
        ttlMs: 5000,
      },
    ]);
  });

  it('returns the risk refusal with its reason and sends nothing', async () => {
    const { executor, sink, risk } = setup();
    risk.setTradingState('HALTED');
    const r = await executor.execute(signal());
    expect(r).toMatchObject({ status: 'RISK_REJECTED', reason: 'TRADING_HALTED' });
    expect(sink.sent).toHaveLength(0);
  });

  it('an exit closes exactly the held position, even while REDUCING', async () => {
    const { executor, sink, view, risk } = setup();
    view.setPosition(SBIN, 37);
    risk.setTradingState('REDUCING');
    const r = await executor.execute(signal({ side: 'SELL', intent: 'EXIT' }));
    expect(r.status).toBe('SUBMITTED');
    expect(sink.sent[0]).toMatchObject({ side: 'SELL', quantity: 37 });
  });

  it('skips an exit with nothing to close and a repeated entry in the held direction', async () => {
    const { executor, view } = setup();
    expect(await executor.execute(signal({ side: 'SELL', intent: 'EXIT' }))).toEqual({
      status: 'SKIPPED',
      reason: 'NO_POSITION',
    });
    view.setPosition(SBIN, 10);
    expect(await executor.execute(signal())).toEqual({ status: 'SKIPPED', reason: 'ALREADY_POSITIONED' });
  });

  it('an opposite entry reverses: closes the position and opens the sized amount', async () => {
    const { executor, sink, view } = setup();
    view.setPosition(SBIN, 4);
    await executor.execute(signal({ side: 'SELL' }));
    expect(sink.sent[0]).toMatchObject({ side: 'SELL', quantity: 14 });
  });

  it('uses the strategy position for exits when a lookup is given', async () => {
    const { executor, sink, view } = setup({ strategyPosition: (sid) => (sid === 'sma' ? 5 : 0) });
    view.setPosition(SBIN, 50);
    await executor.execute(signal({ side: 'SELL', intent: 'EXIT' }));
    expect(sink.sent[0].quantity).toBe(5);
  });

  it('caps the size at the risk limits so sizing never creates a fat-finger refusal', async () => {
    const { executor, sink } = setup(
      { sizing: { kind: 'FIXED_NOTIONAL', notionalPaise: 10_000_000_00 } },
      { maxOrderNotionalPaise: 80_000_00 },
    );
    await executor.execute(signal());
    expect(sink.sent[0].quantity).toBe(100);
  });

  it('reports a skip from sizing (no stop for fixed-fractional)', async () => {
    const { executor } = setup({ sizing: { kind: 'FIXED_FRACTIONAL', riskPercent: 1 } });
    expect(await executor.execute(signal())).toEqual({ status: 'SKIPPED', reason: 'NO_STOP' });
  });

  it('reports a sink refusal', async () => {
    const { executor, sink } = setup();
    sink.refuse = 'queue unavailable';
    expect(await executor.execute(signal())).toMatchObject({
      status: 'SINK_REJECTED',
      reason: 'queue unavailable',
    });
  });

  it('sends a marketable limit on the tick grid when asked', async () => {
    const { executor, sink } = setup({ orderType: 'LIMIT', limitOffsetBps: 10 });
    await executor.execute(signal());
    expect(sink.sent[0]).toMatchObject({ type: 'LIMIT', pricePaise: 800_80 });
    expect(marketableLimit(800_00, -1, 10, 5)).toBe(799_20);
    expect(marketableLimit(100_01, 1, 0, 5)).toBe(100_05);
  });
});
