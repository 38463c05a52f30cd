import { DEFAULT_BREAKERS, evaluateBreakers, type BreakerInputs } from './breakers';

const limits = { maxDailyLossPaise: 10_000_00, maxDrawdownPercent: 10 };
const calm: BreakerInputs = {
  now: 1_000_000,
  dayPnlPaise: 0,
  equityPaise: 100_000_00,
  peakEquityPaise: 100_000_00,
  brokerErrors: [],
  lastTickAt: 999_000,
  marketOpen: true,
};

describe('evaluateBreakers', () => {
  it('stays quiet when nothing is wrong', () => {
    expect(evaluateBreakers(DEFAULT_BREAKERS, limits, calm)).toBeNull();
  });

  it.each([
    ['daily_loss', { dayPnlPaise: -10_000_00 }],
    ['drawdown', { equityPaise: 90_000_00 }],
    ['broker_errors', { brokerErrors: [990_000, 991_000, 992_000, 993_000, 994_000] }],
    ['stale_feed', { lastTickAt: 1_000_000 - 31_000 }],
  ] as const)('trips %s', (trigger, patch) => {
    expect(evaluateBreakers(DEFAULT_BREAKERS, limits, { ...calm, ...patch })).toMatchObject({ trigger });
  });

  it('each breaker can be switched off', () => {
    const off = {
      ...DEFAULT_BREAKERS,
      dailyLoss: false,
      drawdown: false,
      brokerErrors: false,
      staleFeed: false,
    };
    const bad = {
      ...calm,
      dayPnlPaise: -20_000_00,
      equityPaise: 50_000_00,
      brokerErrors: Array(10).fill(999_999),
      lastTickAt: 0,
    };
    expect(evaluateBreakers(off, limits, bad)).toBeNull();
  });

  it('ignores old broker errors, a closed market and a feed never seen', () => {
    expect(
      evaluateBreakers(DEFAULT_BREAKERS, limits, { ...calm, brokerErrors: Array(10).fill(1) }),
    ).toBeNull();
    expect(
      evaluateBreakers(DEFAULT_BREAKERS, limits, { ...calm, lastTickAt: 0, marketOpen: false }),
    ).toBeNull();
    expect(evaluateBreakers(DEFAULT_BREAKERS, limits, { ...calm, lastTickAt: null })).toBeNull();
  });
});
