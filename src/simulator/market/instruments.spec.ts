import { buildInstruments, currentMonthlyExpiry, toScripMasterRow } from './instruments';

const NOW = Date.UTC(2026, 10, 27, 4, 0, 0);

describe('sample instrument master (protocol §3.5 formats)', () => {
  const all = buildInstruments(42, NOW);
  const rows = all.map(toScripMasterRow);

  it('holds at least 50 NSE equities with the named tokens, and both indices', () => {
    const eq = rows.filter((r) => r.exch_seg === 'NSE' && r.instrumenttype === '');
    expect(eq.length).toBeGreaterThanOrEqual(50);
    for (const [sym, token] of [
      ['SBIN-EQ', '3045'],
      ['RELIANCE-EQ', '2885'],
      ['INFY-EQ', '1594'],
      ['TCS-EQ', '11536'],
      ['HDFCBANK-EQ', '1333'],
    ]) {
      expect(rows.find((r) => r.symbol === sym)).toMatchObject({
        token,
        lotsize: '1',
        strike: '-1.000000',
        expiry: '',
        tick_size: '5.000000',
      });
    }
    expect(rows.find((r) => r.token === '99926000')).toMatchObject({
      name: 'NIFTY',
      instrumenttype: 'AMXIDX',
      exch_seg: 'NSE',
    });
    expect(rows.find((r) => r.token === '99926009')).toMatchObject({
      name: 'BANKNIFTY',
      instrumenttype: 'AMXIDX',
    });
    expect(new Set(rows.map((r) => r.token)).size).toBe(rows.length);
  });

  it('lists NFO futures and options of the current monthly expiry with real lot sizes', () => {
    // The November 2026 expiry (Tue 24th) has passed on the 27th, so December's last Tuesday applies.
    expect(new Date(currentMonthlyExpiry(NOW)).toISOString().slice(0, 10)).toBe('2026-12-29');
    const fut = rows.find((r) => r.symbol === 'NIFTY29DEC26FUT');
    expect(fut).toMatchObject({
      exch_seg: 'NFO',
      instrumenttype: 'FUTIDX',
      expiry: '29Dec2026',
      lotsize: '65',
      strike: '-1.000000',
    });
    const opt = rows.find(
      (r) => r.instrumenttype === 'OPTIDX' && r.name === 'BANKNIFTY' && r.symbol.endsWith('CE'),
    )!;
    expect(opt.lotsize).toBe('30');
    expect(opt.strike).toMatch(/^\d+00\.000000$/);
    expect(opt.symbol).toBe(`BANKNIFTY29DEC26${Number(opt.strike) / 100}CE`);
    expect(rows.some((r) => r.instrumenttype === 'FUTSTK' && r.name === 'SBIN' && r.lotsize === '750')).toBe(
      true,
    );
    expect(rows.some((r) => r.instrumenttype === 'OPTSTK')).toBe(true);
  });

  it('includes one MCX commodity future', () => {
    expect(rows.filter((r) => r.exch_seg === 'MCX')).toEqual([
      expect.objectContaining({
        name: 'CRUDEOIL',
        instrumenttype: 'FUTCOM',
        tick_size: '100.000000',
        expiry: '19Dec2026',
      }),
    ]);
  });

  it('is deterministic for a seed', () => {
    expect(buildInstruments(42, NOW)).toEqual(all);
    expect(buildInstruments(7, NOW).map((i) => i.basePricePaise)).not.toEqual(
      all.map((i) => i.basePricePaise),
    );
  });
});
