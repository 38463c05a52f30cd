import { IndianCharges, NoCharges, loadChargesConfig, segmentOf } from '@/backtest/charges';

const at = Date.parse('2026-01-07T09:15:00+05:30');
const charges = new IndianCharges();

describe('Indian charges, hand-computed per order leg (config/charges.json, 2024-11-01 schedule)', () => {
  it('equity delivery buy of 100 @ Rs 500 (turnover Rs 50,000)', () => {
    // brokerage min(0.1% = 50.00, cap 20.00) = 2000p; STT 0.1% = 5000p; NSE 0.00297% = 148.5p -> 149p;
    // IPFT 0.0001% = 5p; SEBI Rs10/cr = 5p; stamp 0.015% = 750p; GST 18% x (2000+149+5+5) = 388.62 -> 389p.
    expect(
      charges.compute({ segment: 'EQUITY_DELIVERY', side: 'BUY', turnoverPaise: 5_000_000, time: at }),
    ).toEqual({
      brokerage: 2000,
      stt: 5000,
      exchange: 149,
      ipft: 5,
      sebi: 5,
      stampDuty: 750,
      dp: 0,
      gst: 389,
      total: 8298,
    });
  });

  it('equity delivery sell of 100 @ Rs 510 adds the DP charge and no stamp duty', () => {
    // STT 5100p; NSE 151.47 -> 151p; IPFT 5.1 -> 5p; SEBI 5p; DP 2000p; GST 18% x 4161 = 748.98 -> 749p.
    expect(
      charges.compute({ segment: 'EQUITY_DELIVERY', side: 'SELL', turnoverPaise: 5_100_000, time: at }),
    ).toEqual({
      brokerage: 2000,
      stt: 5100,
      exchange: 151,
      ipft: 5,
      sebi: 5,
      stampDuty: 0,
      dp: 2000,
      gst: 749,
      total: 10010,
    });
  });

  it('equity intraday: STT on the sell side only, stamp 0.003% on the buy', () => {
    expect(
      charges.compute({ segment: 'EQUITY_INTRADAY', side: 'BUY', turnoverPaise: 5_000_000, time: at }).total,
    ).toBe(2000 + 0 + 149 + 5 + 5 + 150 + 389);
    // STT 0.025% of 51,000 = 12.75 -> 1275p; GST 18% x (2000+151+5+5) = 388.98 -> 389p
    expect(
      charges.compute({ segment: 'EQUITY_INTRADAY', side: 'SELL', turnoverPaise: 5_100_000, time: at }).total,
    ).toBe(2000 + 1275 + 151 + 5 + 5 + 389);
  });

  it('options on premium: 75 @ Rs 100 buy and 75 @ Rs 120 sell', () => {
    // buy: brokerage 0.25% = 1875p (< cap); NSE 0.03503% = 262.725 -> 263p; IPFT 0.0005% = 3.75 -> 4p; SEBI 0.75 -> 1p;
    // stamp 0.003% = 22.5 -> 23p (half up); GST 18% x 2143 = 385.74 -> 386p.
    expect(charges.compute({ segment: 'OPTIONS', side: 'BUY', turnoverPaise: 750_000, time: at })).toEqual({
      brokerage: 1875,
      stt: 0,
      exchange: 263,
      ipft: 4,
      sebi: 1,
      stampDuty: 23,
      dp: 0,
      gst: 386,
      total: 2552,
    });
    // sell: brokerage cap 2000p; STT 0.1% = 900p; NSE 315.27 -> 315p; IPFT 4.5 -> 5p; SEBI 0.9 -> 1p; GST 18% x 2321 = 417.78 -> 418p.
    expect(
      charges.compute({ segment: 'OPTIONS', side: 'SELL', turnoverPaise: 900_000, time: at }).total,
    ).toBe(3639);
  });

  it('futures: one NIFTY lot of 75 @ Rs 24,000 bought', () => {
    // turnover Rs 18,00,000; NSE 0.00173% = 3114p; IPFT 180p; SEBI 180p; stamp 0.002% = 3600p; GST 18% x 5474 = 985.32 -> 985p.
    expect(
      charges.compute({ segment: 'FUTURES', side: 'BUY', turnoverPaise: 180_000_000, time: at }).total,
    ).toBe(2000 + 3114 + 180 + 180 + 3600 + 985);
  });

  it('caps brokerage per order across partial fills and applies the delivery minimum once', () => {
    const second = charges.compute({
      segment: 'EQUITY_DELIVERY',
      side: 'BUY',
      turnoverPaise: 5_000_000,
      time: at,
      brokerageSoFarPaise: 1500,
      firstFillOfOrder: false,
    });
    expect(second.brokerage).toBe(500);
    const tiny = charges.compute({
      segment: 'EQUITY_DELIVERY',
      side: 'BUY',
      turnoverPaise: 10_000,
      time: at,
    });
    expect(tiny.brokerage).toBe(200);
  });

  it('picks the schedule in force on the fill date', () => {
    const cfg = loadChargesConfig();
    const later = { ...cfg.schedules[0], effectiveFrom: '2030-01-01', source: 'test' };
    later.segments = {
      ...later.segments,
      EQUITY_INTRADAY: { ...later.segments.EQUITY_INTRADAY, sttPercent: { buy: '0', sell: '0.05' } },
    };
    const c = new IndianCharges({ schedules: [cfg.schedules[0], later] });
    expect(
      c.compute({ segment: 'EQUITY_INTRADAY', side: 'SELL', turnoverPaise: 5_100_000, time: at }).stt,
    ).toBe(1275);
    expect(
      c.compute({
        segment: 'EQUITY_INTRADAY',
        side: 'SELL',
        turnoverPaise: 5_100_000,
        time: Date.parse('2030-02-01T10:00:00+05:30'),
      }).stt,
    ).toBe(2550);
  });

  it('names a source and an effective date for every schedule', () => {
    for (const s of loadChargesConfig().schedules) {
      expect(s.source).toMatch(/angelone/i);
      expect(s.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('--fees none charges nothing; segments follow instrument type and product', () => {
    expect(new NoCharges().compute().total).toBe(0);
    expect(segmentOf('EQ', 'INTRADAY')).toBe('EQUITY_INTRADAY');
    expect(segmentOf('EQ', 'DELIVERY')).toBe('EQUITY_DELIVERY');
    expect(segmentOf('FUTIDX', 'CARRYFORWARD')).toBe('FUTURES');
    expect(segmentOf('OPTSTK', 'INTRADAY')).toBe('OPTIONS');
  });
});
