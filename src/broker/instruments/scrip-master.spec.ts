import { parseExpiry, parseScripMaster } from './scrip-master';

const rows = [
  {
    token: '3045',
    symbol: 'SBIN-EQ',
    name: 'SBIN',
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'NSE',
    tick_size: '5.000000',
  },
  {
    token: '99926000',
    symbol: 'Nifty 50',
    name: 'NIFTY',
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: 'AMXIDX',
    exch_seg: 'NSE',
    tick_size: '-1.000000',
  },
  {
    token: '35078',
    symbol: 'NIFTY04APR2423000CE',
    name: 'NIFTY',
    expiry: '04Apr2024',
    strike: '2300000.000000',
    lotsize: '50',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
    tick_size: '5.000000',
  },
  {
    token: '432293',
    symbol: 'CRUDEOIL19DEC24FUT',
    name: 'CRUDEOIL',
    expiry: '19DEC2024',
    strike: '-1.000000',
    lotsize: '100',
    instrumenttype: 'FUTCOM',
    exch_seg: 'MCX',
    tick_size: '100.000000',
  },
  {
    token: '1',
    symbol: 'X',
    name: 'ncdex row',
    expiry: '',
    strike: '-1',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'NCDEX',
    tick_size: '1',
  },
  {
    token: '3045',
    symbol: 'SBIN-EQ',
    name: 'duplicate',
    expiry: '',
    strike: '-1',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'NSE',
    tick_size: '5',
  },
  {
    token: '9',
    symbol: 'BAD',
    name: 'bad expiry',
    expiry: '31Foo2024',
    strike: '-1',
    lotsize: '1',
    instrumenttype: 'FUTSTK',
    exch_seg: 'NFO',
    tick_size: '5',
  },
  'not a row',
];

describe('parseScripMaster', () => {
  it('maps the §3.5 string formats to domain instruments in paise', () => {
    const { instruments, skipped } = parseScripMaster(rows);
    expect(skipped).toBe(4);
    expect(instruments).toEqual([
      {
        symbol: 'NSE:SBIN-EQ',
        exchange: 'NSE',
        tradingSymbol: 'SBIN-EQ',
        token: '3045',
        name: 'SBIN',
        instrumentType: 'EQ',
        expiry: null,
        strikePaise: null,
        optionType: null,
        lotSize: 1,
        tickSizePaise: 5,
      },
      expect.objectContaining({ symbol: 'NSE:Nifty 50', instrumentType: 'INDEX', tickSizePaise: 5 }),
      {
        symbol: 'NFO:NIFTY04APR2423000CE',
        exchange: 'NFO',
        tradingSymbol: 'NIFTY04APR2423000CE',
        token: '35078',
        name: 'NIFTY',
        instrumentType: 'OPTIDX',
        expiry: '2024-04-04',
        strikePaise: 2_300_000,
        optionType: 'CE',
        lotSize: 50,
        tickSizePaise: 5,
      },
      expect.objectContaining({
        symbol: 'MCX:CRUDEOIL19DEC24FUT',
        instrumentType: 'FUTCOM',
        expiry: '2024-12-19',
        lotSize: 100,
        tickSizePaise: 100,
        strikePaise: null,
      }),
    ]);
  });

  it('reads expiry dates in mixed case and rejects malformed ones', () => {
    expect(parseExpiry('04Apr2024')).toBe('2024-04-04');
    expect(parseExpiry('4APR2024')).toBe('2024-04-04');
    expect(parseExpiry('')).toBeNull();
    expect(parseExpiry('2024-04-04')).toBeUndefined();
  });

  it('refuses a master that is not an array', () => {
    expect(() => parseScripMaster({ rows: [] })).toThrow(/not a JSON array/);
  });
});
