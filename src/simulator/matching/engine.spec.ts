import { ManualClock } from '@/common/clock';
import { InstrumentStore, buildInstruments } from '../market/instruments';
import { Market } from '../market/market';
import { MatchingEngine } from './engine';
import type { OrderEvent, PlaceRequest } from './types';

const T0 = Date.UTC(2026, 10, 27, 5, 0, 0);
const C = 'SIM001';

function setup(startingCashPaise = 10_000_000_00) {
  const clock = new ManualClock(T0);
  const instruments = new InstrumentStore(buildInstruments(42, T0));
  const market = new Market(instruments, { seed: 42, clock, marketHours: 'always' });
  const engine = new MatchingEngine({
    instruments,
    market,
    clock,
    startingCashPaise,
    initialHoldings: [{ token: '1594', quantity: 5, averagePricePaise: 1400_00 }],
  });
  const events: OrderEvent[] = [];
  engine.onOrderEvent((e) => events.push({ kind: e.kind, order: { ...e.order } }));
  // A known book for SBIN: LTP 800.00, asks 800.05 x 10, 800.10 x 20; bids 799.95 x 10, 799.90 x 20.
  const st = market.state('3045')!;
  Object.assign(st, { ltp: 80_000, prevClose: 80_000, upperCircuit: 96_000, lowerCircuit: 64_000 });
  st.asks = [
    { pricePaise: 80_005, quantity: 10, orders: 1 },
    { pricePaise: 80_010, quantity: 20, orders: 2 },
  ];
  st.bids = [
    { pricePaise: 79_995, quantity: 10, orders: 1 },
    { pricePaise: 79_990, quantity: 20, orders: 2 },
  ];
  return { clock, market, engine, events, st };
}

const req = (o: Partial<PlaceRequest> = {}): PlaceRequest => ({
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'MARKET',
  producttype: 'INTRADAY',
  duration: 'DAY',
  pricePaise: 0,
  triggerPaise: 0,
  quantity: 5,
  disclosedquantity: 0,
  ordertag: '',
  squareoffPaise: 0,
  stoplossPaise: 0,
  trailingPaise: 0,
  ...o,
});

describe('MatchingEngine', () => {
  it('fills a market buy across depth levels at the level prices', () => {
    const { engine } = setup();
    const o = engine.place(C, req({ quantity: 25 }));
    expect(o).toMatchObject({ status: 'complete', filled: 25, fillValuePaise: 10 * 80_005 + 15 * 80_010 });
    expect(engine.tradesOf(C).map((t) => [t.pricePaise, t.quantity])).toEqual([
      [80_005, 10],
      [80_010, 15],
    ]);
  });

  it('fills a limit order partially against the depth and rests the remainder as open', () => {
    const { engine, events } = setup();
    const o = engine.place(C, req({ ordertype: 'LIMIT', pricePaise: 80_005, quantity: 15 }));
    expect(o).toMatchObject({ status: 'open', filled: 10 });
    expect(events.map((e) => e.kind)).toEqual(['placed', 'fill']);
  });

  it('cancels the unfilled rest of an IOC order', () => {
    const { engine } = setup();
    const o = engine.place(C, req({ ordertype: 'LIMIT', pricePaise: 80_005, quantity: 15, duration: 'IOC' }));
    expect(o).toMatchObject({ status: 'cancelled', filled: 10, cancelled: 5 });
  });

  it('fills a resting limit order at its own price when the walk trades through it', () => {
    const { engine, market } = setup();
    const o = engine.place(C, req({ ordertype: 'LIMIT', pricePaise: 79_000, quantity: 5 }));
    expect(o.status).toBe('open');
    market.setPrice('3045', 79_500);
    expect(o.status).toBe('open');
    market.setPrice('3045', 78_950);
    expect(o).toMatchObject({ status: 'complete', filled: 5 });
    expect(engine.tradesOf(C).at(-1)!.pricePaise).toBeLessThanOrEqual(79_000);
  });

  it('holds stop-loss orders as trigger pending until the LTP crosses the trigger', () => {
    const { engine, market, events } = setup();
    const o = engine.place(C, req({ ordertype: 'STOPLOSS_MARKET', triggerPaise: 81_000 }));
    expect(o.status).toBe('trigger pending');
    market.setPrice('3045', 80_500);
    expect(o.status).toBe('trigger pending');
    market.setPrice('3045', 81_000);
    expect(o.status).toBe('complete');
    expect(events.map((e) => e.kind)).toEqual(['placed', 'triggered', 'complete']);
  });

  it.each([
    ['an unknown token', req({ symboltoken: '999999' }), /invalid symbol token/],
    ['a token on the wrong exchange', req({ exchange: 'NFO' }), /invalid symbol token/],
    ['an index', req({ symboltoken: '99926000' }), /not allowed on an index/],
    ['a price off the tick size', req({ ordertype: 'LIMIT', pricePaise: 80_003 }), /tick size 0.05/],
    [
      'a price above the circuit',
      req({ ordertype: 'LIMIT', pricePaise: 96_005 }),
      /circuit limits 640.00 - 960.00/,
    ],
    [
      'a stop-loss buy triggered below the market',
      req({ ordertype: 'STOPLOSS_MARKET', triggerPaise: 79_000 }),
      /above the last traded price/,
    ],
  ])('rejects %s with the reason in text', (_name, r, reason) => {
    const { engine, events } = setup();
    const o = engine.place(C, r);
    expect(o.status).toBe('rejected');
    expect(o.text).toMatch(reason);
    expect(o.orderid).toMatch(/^\d{15}$/);
    expect(events.map((e) => e.kind)).toEqual(['rejected']);
  });

  it('rejects F&O quantities that are not a lot multiple', () => {
    const { engine, market } = setup();
    const fut = [...market.allStates()].find((s) => s.instrument.symbol === 'NIFTY29DEC26FUT')!.instrument;
    const o = engine.place(
      C,
      req({
        exchange: 'NFO',
        symboltoken: fut.token,
        tradingsymbol: fut.symbol,
        quantity: 64,
        producttype: 'CARRYFORWARD',
      }),
    );
    expect(o).toMatchObject({ status: 'rejected', text: 'Quantity should be a multiple of the lot size 65' });
  });

  it('rejects for insufficient funds and blocks margin for open orders', () => {
    const { engine } = setup(100_000_00); // ₹1 lakh
    const big = engine.place(
      C,
      req({ producttype: 'DELIVERY', ordertype: 'LIMIT', pricePaise: 79_000, quantity: 200 }),
    );
    expect(big.status).toBe('rejected');
    expect(big.text).toMatch(
      /^Your order has been rejected due to Insufficient Funds\. Available funds - Rs\. 100000\.00 \. You require Rs\. 158000\.00/,
    );
    const ok = engine.place(
      C,
      req({ producttype: 'DELIVERY', ordertype: 'LIMIT', pricePaise: 79_000, quantity: 100 }),
    );
    expect(ok.status).toBe('open');
    expect(engine.funds(C)).toMatchObject({ blockedPaise: 79_000_00, availablePaise: 21_000_00 });
    engine.cancel(C, ok.orderid);
    expect(engine.funds(C)).toMatchObject({ blockedPaise: 0, availablePaise: 100_000_00 });
  });

  it('keeps positions, realised P&L and cash consistent through a round trip', () => {
    const { engine } = setup();
    engine.place(C, req({ quantity: 10 })); // buys 10 @ 800.05
    engine.place(C, req({ transactiontype: 'SELL', quantity: 10 })); // sells 10 @ 799.95
    const pos = engine.account(C).position(engine.tradesOf(C)[0].instrument, 'INTRADAY');
    expect(pos).toMatchObject({ buyQty: 10, sellQty: 10, netQty: 0, realisedPaise: -100 });
    expect(engine.funds(C)).toMatchObject({
      cashPaise: 10_000_000_00 - 100,
      positionMarginPaise: 0,
      realisedPaise: -100,
      blockedPaise: 0,
    });
  });

  it('moves cash and holdings on delivery trades, and refuses to sell stock not held', () => {
    const { engine } = setup();
    const before = engine.funds(C).cashPaise;
    engine.place(C, req({ producttype: 'DELIVERY', quantity: 4 }));
    expect(engine.funds(C).cashPaise).toBe(before - 4 * 80_005);
    expect(engine.account(C).holdings.get('3045')).toMatchObject({ quantity: 0, t1Quantity: 4 });
    expect(
      engine.place(C, req({ producttype: 'DELIVERY', transactiontype: 'SELL', quantity: 5 })).text,
    ).toMatch(/insufficient holdings. Available quantity 4/);
  });

  it('modifies a working order and cancels it; refuses both once it is final', () => {
    const { engine, events } = setup();
    const o = engine.place(C, req({ ordertype: 'LIMIT', pricePaise: 79_000 }));
    expect(
      engine.modify(C, { orderid: o.orderid, ordertype: 'LIMIT', pricePaise: 79_500, quantity: 10 }),
    ).toMatchObject({ ok: true });
    expect(o).toMatchObject({ pricePaise: 79_500, quantity: 10, status: 'open' });
    expect(
      engine.modify(C, { orderid: o.orderid, ordertype: 'LIMIT', pricePaise: 79_501, quantity: 10 }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/tick size/) });
    expect(engine.cancel(C, o.orderid)).toMatchObject({ ok: true });
    expect(engine.cancel(C, o.orderid)).toMatchObject({ ok: false, errorcode: 'AB2000' });
    expect(engine.cancel(C, '000')).toMatchObject({ ok: false, errorcode: 'AB1013' });
    expect(engine.cancel('OTHER', o.orderid)).toMatchObject({ ok: false, errorcode: 'AB1013' });
    expect(events.map((e) => e.kind)).toEqual(['placed', 'modified', 'cancelled']);
  });

  it('rejects orders outside NSE hours unless they are AMO', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 28, 5, 0, 0)); // Saturday
    const instruments = new InstrumentStore(buildInstruments(42, clock.now()));
    const market = new Market(instruments, { seed: 42, clock, marketHours: 'nse' });
    const engine = new MatchingEngine({
      instruments,
      market,
      clock,
      startingCashPaise: 10_000_000_00,
      initialHoldings: [],
    });
    expect(engine.place(C, req()).text).toMatch(/Market is closed/);
    expect(
      engine.place(C, req({ variety: 'AMO', ordertype: 'LIMIT', pricePaise: market.state('3045')!.ltp }))
        .status,
    ).toBe('open');
    expect(market.step()).toEqual([]);
  });
});
