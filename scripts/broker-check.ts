/**
 * `npm run broker:check`: tries the configured Angel One credentials the way a user preparing for live
 * trading needs (login with TOTP, profile, funds, one quote, a few seconds of ticks, the order-update
 * stream, and the IP orders will leave from) and prints a pass/fail report. With no ANGEL_* credentials
 * it starts the embedded simulator and checks against that. Never prints a secret's value.
 */
import { config as loadDotenv } from 'dotenv';
import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { MemorySessionStore } from '@/broker/angel-one/session/session-store';
import { silentLogger } from '@/broker/broker-logger';
import type { OrderUpdate } from '@/broker/broker.types';
import type { Tick } from '@/domain/market';

interface Step {
  name: string;
  ok: boolean;
  detail: string;
}

const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };
loadDotenv({ quiet: true });
const env = process.env;
const TICK_SECONDS = Number(env.BROKER_CHECK_TICK_SECONDS ?? 5);

async function main(): Promise<number> {
  const configured = !!(env.ANGEL_API_KEY && env.ANGEL_CLIENT_CODE && env.ANGEL_PIN && env.ANGEL_TOTP_SECRET);
  let closeSim: (() => Promise<void>) | null = null;
  let target: ConstructorParameters<typeof AngelOneGateway>[0];
  if (configured) {
    target = {
      restUrl: env.ANGEL_REST_URL ?? 'https://apiconnect.angelone.in',
      streamUrl: env.ANGEL_STREAM_URL ?? 'wss://smartapisocket.angelone.in/smart-stream',
      orderUpdateUrl: env.ANGEL_ORDER_UPDATE_URL ?? 'wss://tns.angelone.in/smart-order-update',
      scripMasterUrl:
        env.ANGEL_SCRIP_MASTER_URL ??
        'https://margincalculator.angelbroking.com/OpenAPI_File/files/OpenAPIScripMaster.json',
      apiKey: env.ANGEL_API_KEY!,
      clientCode: env.ANGEL_CLIENT_CODE!,
      pin: env.ANGEL_PIN!,
      totpSecret: env.ANGEL_TOTP_SECRET!,
      publicIp: env.ANGEL_PUBLIC_IP ?? '',
      store: new MemorySessionStore(),
      logger: () => silentLogger,
    };
  } else {
    // Imported only here: a real check never loads the simulator.
    const { startSimulator } = await import('@/simulator');
    const sim = await startSimulator({ port: 0, tickIntervalMs: 100 });
    closeSim = () => sim.close();
    target = {
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...sim.credentials,
      publicIp: env.ANGEL_PUBLIC_IP ?? '127.0.0.1',
      store: new MemorySessionStore(),
      logger: () => silentLogger,
    };
  }

  console.log(
    `Broker connectivity check against ${configured ? 'Angel One' : 'the embedded simulator (no ANGEL_* credentials set)'}`,
  );
  console.log(
    `  REST ${target.restUrl}\n  SmartStream ${target.streamUrl}\n  Order updates ${target.orderUpdateUrl}\n`,
  );
  const gw = new AngelOneGateway(target);
  const steps: Step[] = [];
  const run = async (name: string, fn: () => Promise<string>) => {
    const started = Date.now();
    try {
      const detail = await fn();
      steps.push({ name, ok: true, detail: `${detail} (${Date.now() - started} ms)` });
    } catch (e) {
      steps.push({ name, ok: false, detail: (e as Error).message });
    }
    const s = steps[steps.length - 1];
    console.log(`${s.ok ? 'PASS' : 'FAIL'}  ${s.name.padEnd(22)} ${s.detail}`);
  };
  const ticks: Tick[] = [];
  const updates: OrderUpdate[] = [];
  gw.onTick((t) => ticks.push(t));
  gw.onOrderUpdate((u) => updates.push(u));

  await run('login (MPIN + TOTP)', async () => {
    await gw.connect();
    return `session ${gw.sessionStatus().state}`;
  });
  if (steps[0].ok) {
    await run('profile', async () => {
      const p = await gw.profile();
      return `${p.clientCode} ${p.name}, exchanges ${p.exchanges.join(', ') || 'none'}`;
    });
    await run('funds', async () => {
      const f = await gw.funds();
      return `available cash ₹${(f.availableCashPaise / 100).toFixed(2)}, net ₹${(f.netPaise / 100).toFixed(2)}`;
    });
    await run('quote NSE:SBIN-EQ', async () => {
      const [q] = await gw.quotes([SBIN], 'LTP');
      if (!q) throw new Error('no quote returned');
      return `LTP ₹${(q.ltpPaise / 100).toFixed(2)}`;
    });
    await run(`ticks (${TICK_SECONDS}s)`, async () => {
      gw.subscribeTicks([{ instrument: SBIN, mode: 'LTP' }]);
      await new Promise((r) => setTimeout(r, TICK_SECONDS * 1000));
      if (ticks.length === 0)
        throw new Error('no ticks received (outside market hours the live feed is quiet)');
      return `${ticks.length} ticks, last ₹${(ticks[ticks.length - 1].ltpPaise / 100).toFixed(2)}, decode drops ${JSON.stringify(gw.stream.counters)}`;
    });
    await run('order-update stream', async () => {
      if (!gw.orderUpdates.isConnected) await new Promise((r) => setTimeout(r, 2000));
      if (!gw.orderUpdates.isConnected) throw new Error('not connected');
      return `connected (${updates.length} updates so far)`;
    });
  }
  await run('order source IP', async () => {
    const id = gw.networkIdentity;
    if (!id.publicIp)
      throw new Error(
        'ANGEL_PUBLIC_IP is not set: Angel One accepts orders only from the static IP registered for the API key',
      );
    return `orders leave as ${id.publicIp} (ANGEL_PUBLIC_IP; must be the key's registered static IP), local ${id.localIp} / ${id.mac}`;
  });

  await gw.disconnect({ logout: steps[0].ok });
  await closeSim?.();
  const failed = steps.filter((s) => !s.ok).length;
  console.log(
    `\n${failed === 0 ? 'ALL CHECKS PASSED' : `${failed} CHECK(S) FAILED`} (${steps.length - failed}/${steps.length})`,
  );
  return failed === 0 ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((e: Error) => {
    console.error(`broker check crashed: ${e.message}`);
    process.exit(2);
  });
