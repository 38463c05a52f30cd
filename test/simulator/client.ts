import { generateSync } from 'otplib';
import type { SimulatorHandle } from '@/simulator';

/** Parsed replies; specs assert on them field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = any;

/** A bare fetch client for simulator specs, sending the headers of protocol §1.1. */
export class RawClient {
  jwt = '';
  feedToken = '';
  refreshToken = '';

  constructor(private readonly sim: SimulatorHandle) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-UserType': 'USER',
      'X-SourceID': 'WEB',
      'X-ClientLocalIP': '127.0.0.1',
      'X-ClientPublicIP': '127.0.0.1',
      'X-MACAddress': '00:00:00:00:00:00',
      'X-PrivateKey': this.sim.credentials.apiKey,
      ...(this.jwt ? { Authorization: `Bearer ${this.jwt}` } : {}),
      ...extra,
    };
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    extra?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string; json: Reply }> {
    const res = await fetch(this.sim.restUrl + path, {
      method,
      headers: this.headers(extra),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // plain-text answers (the rate-limit body) have no JSON
    }
    return { status: res.status, text, json };
  }

  async login(): Promise<void> {
    const c = this.sim.credentials;
    const r = await this.call('POST', '/rest/auth/angelbroking/user/v1/loginByPassword', {
      clientcode: c.clientCode,
      password: c.pin,
      totp: generateSync({ secret: c.totpSecret }),
    });
    if (!r.json?.status) throw new Error(`login failed: ${r.text}`);
    this.jwt = r.json.data.jwtToken;
    this.feedToken = r.json.data.feedToken;
    this.refreshToken = r.json.data.refreshToken;
  }
}

export const ORDER = '/rest/secure/angelbroking/order/v1';

export const sbinBuy = (over: Record<string, string> = {}): Record<string, string> => ({
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'MARKET',
  producttype: 'INTRADAY',
  duration: 'DAY',
  price: '0',
  quantity: '1',
  ...over,
});
