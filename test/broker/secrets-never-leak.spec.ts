import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { BrokerLogger } from '@/broker/broker-logger';
import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { BrokerSessionEntity } from '@/broker/angel-one/session/broker-session.entity';
import { CredentialCipher } from '@/broker/angel-one/session/credential-cipher';
import { TypeOrmSessionStore } from '@/broker/angel-one/session/session-store';
import { register } from 'prom-client';
import { startSimProcess, type SimProcess } from './fixtures/sim-process';
import { createTestDatabase } from '../support/test-db';

const SECRETS = {
  clientCode: 'LEAKTEST1',
  pin: '918273',
  totpSecret: 'KRUGS4ZANFZSAYJAONSWG4TFOQQHG4DFMVSA',
  apiKey: 'apikey-Zq8wXv3Lm5',
};
const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('no secret in logs, errors, metrics or files after a full adapter run', () => {
  let sim: SimProcess;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const lines: string[] = [];
  const tokens = new Set<string>();
  const cwd = process.cwd();
  const workDir = mkdtempSync(join(tmpdir(), 'broker-run-'));

  beforeAll(async () => {
    sim = await startSimProcess({
      SIM_CLIENT_CODE: SECRETS.clientCode,
      SIM_PIN: SECRETS.pin,
      SIM_TOTP_SECRET: SECRETS.totpSecret,
      SIM_API_KEY: SECRETS.apiKey,
    });
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: [BrokerSessionEntity] });
    await ds.initialize();
    process.chdir(workDir);
  }, 60_000);

  afterAll(async () => {
    process.chdir(cwd);
    await ds?.destroy();
    await db?.drop();
    await sim?.close();
  });

  function gateway(overrides: Partial<typeof SECRETS> = {}): AngelOneGateway {
    const logger = (ctx: string): BrokerLogger => ({
      log: (m) => lines.push(`${ctx} ${m}`),
      warn: (m) => lines.push(`${ctx} ${m}`),
      error: (m) => lines.push(`${ctx} ${m}`),
    });
    const gw = new AngelOneGateway({
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...SECRETS,
      ...overrides,
      publicIp: '203.0.113.7',
      store: new TypeOrmSessionStore(ds, new CredentialCipher(Buffer.alloc(32, 3))),
      logger,
      stream: { reconnectBaseMs: 100, reconnectMaxMs: 500, pingIntervalMs: 500 },
    });
    gw.session.onTokens((t) => Object.values(t).forEach((v) => tokens.add(v)));
    return gw;
  }

  const capture = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      lines.push(`error ${(e as Error).message} ${JSON.stringify(e)}`);
    }
  };

  it('runs login, reads, ticks, orders, a dropped socket, bad replies and a wrong PIN', async () => {
    const gw = gateway();
    await gw.connect();
    for (const v of gw.session.secrets()) tokens.add(v);
    await gw.profile();
    await gw.funds();
    await gw.quotes([SBIN]);
    gw.subscribeTicks([{ instrument: SBIN, mode: 'SNAP' }]);
    const ack = await gw.placeOrder({
      tag: 'leak-1',
      instrument: SBIN,
      side: 'BUY',
      quantity: 1,
      type: 'LIMIT',
      product: 'INTRADAY',
      validity: 'DAY',
      pricePaise: 100,
    });
    await capture(gw.cancelOrder(ack.brokerOrderId));
    await capture(gw.cancelOrder('999999999999999'));
    await sim.faults({ faults: [{ route: 'getRMS', kind: 'error', times: 3 }] });
    await capture(gw.funds());
    await sim.faults({ dropSockets: true });
    await new Promise((r) => setTimeout(r, 1500));
    await gw.disconnect({ logout: true });

    const bad = gateway({ pin: '000000' });
    await capture(bad.connect());
    lines.push(JSON.stringify(bad.sessionStatus()));
    await bad.disconnect();
    expect(lines.some((l) => /check ANGEL_CLIENT_CODE/.test(l))).toBe(true);
    expect(tokens.size).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('finds none of PIN, TOTP seed, API key or any token in what was written', async () => {
    const row = await ds.query(`SELECT * FROM broker_sessions`);
    const haystacks: [string, string][] = [
      ['logs and errors', lines.join('\n')],
      ['metrics', await register.metrics()],
      ['broker_sessions table', JSON.stringify(row)],
      ['simulator stderr', sim.output()],
      ...walk(workDir).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ];
    const needles = [SECRETS.pin, SECRETS.totpSecret, SECRETS.apiKey, ...tokens];
    expect(needles.length).toBeGreaterThanOrEqual(6);
    for (const [where, text] of haystacks) {
      for (const n of needles)
        expect({ where, leaked: text.includes(n) ? n.slice(0, 4) + '…' : null }).toEqual({
          where,
          leaked: null,
        });
    }
    expect(lines.length).toBeGreaterThan(3);
  });
});
