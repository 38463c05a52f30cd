import { formatIstMinute, mapStatus, parseIstDateTime, toWireModify, toWireOrder } from './mapper';
import { detectNetworkIdentity } from './network-identity';
import { redact } from './redact';

const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };

describe('mapper', () => {
  it('maps a stop-loss limit intent to variety STOPLOSS with rupee strings and the ordertag', () => {
    expect(
      toWireOrder({
        tag: 't1',
        instrument: SBIN,
        side: 'SELL',
        quantity: 3,
        type: 'SL',
        product: 'DELIVERY',
        validity: 'DAY',
        pricePaise: 80005,
        triggerPricePaise: 80100,
      }),
    ).toEqual({
      variety: 'STOPLOSS',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'SELL',
      exchange: 'NSE',
      ordertype: 'STOPLOSS_LIMIT',
      producttype: 'DELIVERY',
      duration: 'DAY',
      price: '800.05',
      triggerprice: '801.00',
      quantity: '3',
      ordertag: 't1',
    });
  });

  it('sends price 0 for market orders and SL-M, and no trigger for plain orders', () => {
    const m = toWireOrder({
      tag: 't',
      instrument: SBIN,
      side: 'BUY',
      quantity: 1,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'IOC',
      pricePaise: 5,
    });
    expect(m).toMatchObject({ variety: 'NORMAL', ordertype: 'MARKET', price: '0', duration: 'IOC' });
    expect(m).not.toHaveProperty('triggerprice');
    expect(
      toWireModify({
        brokerOrderId: '9',
        instrument: SBIN,
        quantity: 1,
        type: 'SL-M',
        product: 'INTRADAY',
        validity: 'DAY',
        triggerPricePaise: 100,
      }),
    ).toMatchObject({
      variety: 'STOPLOSS',
      orderid: '9',
      ordertype: 'STOPLOSS_MARKET',
      price: '0',
      triggerprice: '1.00',
    });
  });

  it('maps Angel status strings', () => {
    expect(
      [
        'open',
        'complete',
        'trigger pending',
        'rejected',
        'cancelled',
        'open pending',
        'modify pending',
        'not cancelled',
        'weird',
      ].map(mapStatus),
    ).toEqual([
      'OPEN',
      'COMPLETE',
      'TRIGGER_PENDING',
      'REJECTED',
      'CANCELLED',
      'PENDING',
      'MODIFY_PENDING',
      'OPEN',
      'UNKNOWN',
    ]);
  });

  it('converts IST wall times both ways', () => {
    expect(parseIstDateTime('20-Oct-2020 13:10:59')).toBe(Date.UTC(2020, 9, 20, 7, 40, 59));
    expect(parseIstDateTime('')).toBeNull();
    expect(formatIstMinute(Date.UTC(2021, 1, 10, 3, 45))).toBe('2021-02-10 09:15');
  });
});

describe('network identity and redaction', () => {
  it('takes the first external IPv4 interface with a real MAC, never an outside lookup', () => {
    const id = detectNetworkIdentity({
      lo: [
        {
          address: '127.0.0.1',
          family: 'IPv4',
          internal: true,
          mac: '00:00:00:00:00:00',
          netmask: '255.0.0.0',
          cidr: null,
        },
      ],
      eth0: [
        {
          address: '10.1.2.3',
          family: 'IPv4',
          internal: false,
          mac: 'aa:bb:cc:00:11:22',
          netmask: '255.0.0.0',
          cidr: null,
        },
      ],
    });
    expect(id).toEqual({ localIp: '10.1.2.3', mac: 'aa:bb:cc:00:11:22' });
    expect(detectNetworkIdentity({})).toEqual({ localIp: '127.0.0.1', mac: '00:00:00:00:00:00' });
  });

  it('scrubs JWTs and listed secrets', () => {
    expect(redact('pin 918273 jwt eyJhbGciOi.eyJzdWIiOiJ4In0.abcd key K-1', ['918273', 'K-1'])).toBe(
      'pin [redacted] jwt [redacted-jwt] key K-1',
    );
  });
});
