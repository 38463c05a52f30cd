/**
 * Server CPU per delivered WebSocket update with 50 clients, FanoutHub (coalesced per symbol at
 * WS_CLIENT_MAX_HZ, serialised once, shared by every subscriber) against a naive `ws.send` of
 * `JSON.stringify` to every subscriber on every tick, in the same run over real loopback sockets.
 * The clients live in a child process so only the server's CPU is counted (process.cpuUsage).
 * Workload: 20 symbols, 50 ticks/s each, every client subscribed to every symbol, 10 Hz flushes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { Tick } from '@/domain/market';
import { FanoutHub, type HubClient } from '@/market-data/ws/fanout-hub';
import { encodeTextFrame, socketForHub } from '@/market-data/ws/ws-socket';

const CLIENTS = 50;
const SYMBOLS = 20;
const TICKS_PER_SYMBOL_PER_SEC = 50;
const HZ = 10;
const SECONDS = Number(process.env.FANOUT_SECONDS ?? 20); // simulated seconds of market per phase

const clientJs = `
const WebSocket = require(${JSON.stringify(require.resolve('ws'))});
const n = Number(process.argv[2]); let got = 0; let open = 0;
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(process.argv[3]);
  ws.on('open', () => { if (++open === n) process.stdout.write('ready\\n'); });
  ws.on('message', () => { got++; });
}
process.stdin.on('data', (d) => { if (String(d).includes('count')) process.stdout.write('count ' + got + '\\n'); });
`;

function tick(symbol: string, i: number): Tick {
  return {
    symbol,
    token: '3045',
    exchange: 'NSE',
    mode: 'QUOTE',
    exchangeTime: 1741838100000 + i * 20,
    receivedAt: 1741838100005 + i * 20,
    ltpPaise: 80_000 + (i % 40) * 5,
    lastQuantity: 10 + (i % 7),
    volume: 1_000_000 + i * 13,
    avgPricePaise: 80_012,
    openPaise: 79_900,
    highPaise: 80_400,
    lowPaise: 79_800,
    closePaise: 79_950,
  };
}

async function main(): Promise<void> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  const file = join(tmpdir(), `fanout-clients-${process.pid}.js`);
  writeFileSync(file, clientJs);
  const child = spawn(
    process.execPath,
    [file, String(CLIENTS), `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) =>
    d
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => (waiters.length ? waiters.shift()!(l) : lines.push(l))),
  );
  const nextLine = () =>
    lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((r) => waiters.push(r));
  await nextLine(); // ready
  while (sockets.length < CLIENTS) await new Promise((r) => setTimeout(r, 10));

  let received = 0;
  const clientCount = async () => {
    child.stdin.write('count\n');
    return Number((await nextLine()).split(' ')[1]);
  };
  // Waits until the clients hold every frame, so socket writes the server still owes are counted too.
  const settle = async (expected: number) => {
    for (;;) {
      const c = await clientCount();
      if (c - received >= expected) return void (received = c);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `NSE:S${i}-EQ`);
  const ticksPerFlush = TICKS_PER_SYMBOL_PER_SEC / HZ;
  const flushes = SECONDS * HZ;

  async function naive(): Promise<{ cpuUs: number; delivered: number }> {
    const c0 = process.cpuUsage();
    let delivered = 0;
    for (let f = 0, i = 0; f < flushes; f++) {
      for (let k = 0; k < ticksPerFlush; k++, i++) {
        for (const s of symbols) {
          const t = tick(s, i);
          for (const ws of sockets) {
            ws.send(JSON.stringify({ channel: 'ticks', symbol: s, data: t }));
            delivered++;
          }
        }
      }
      if (f % HZ === 0) await new Promise((r) => setImmediate(r));
    }
    await settle(delivered);
    const c = process.cpuUsage(c0);
    return { cpuUs: c.user + c.system, delivered };
  }

  async function hub(): Promise<{ cpuUs: number; delivered: number }> {
    const h = new FanoutHub({ maxBufferedBytes: 64 * 1024 * 1024, encode: encodeTextFrame });
    const clients: HubClient[] = sockets.map((ws) => ({ socket: socketForHub(ws), onSlow: () => undefined }));
    for (const c of clients) for (const s of symbols) h.subscribe(c, `ticks|${s}`, 'ticks', s);
    const c0 = process.cpuUsage();
    let delivered = 0;
    for (let f = 0, i = 0; f < flushes; f++) {
      for (let k = 0; k < ticksPerFlush; k++, i++)
        for (const s of symbols) h.publish(`ticks|${s}`, tick(s, i));
      delivered += h.flush();
      if (f % HZ === 0) await new Promise((r) => setImmediate(r));
    }
    await settle(delivered);
    const c = process.cpuUsage(c0);
    return { cpuUs: c.user + c.system, delivered };
  }

  // Warm-up both paths, then measure each twice in alternation and keep the better run of each.
  await naive();
  await hub();
  const n = [await naive(), await hub(), await naive(), await hub()];
  const best = (a: { cpuUs: number; delivered: number }, b: { cpuUs: number; delivered: number }) =>
    a.cpuUs / a.delivered < b.cpuUs / b.delivered ? a : b;
  const nv = best(n[0], n[2]);
  const hb = best(n[1], n[3]);
  const perNaive = nv.cpuUs / nv.delivered;
  const perHub = hb.cpuUs / hb.delivered;
  console.log(
    `${CLIENTS} clients x ${SYMBOLS} symbols, ${TICKS_PER_SYMBOL_PER_SEC} ticks/s per symbol, ${SECONDS}s simulated per phase`,
  );
  console.log(
    `naive per-tick send : ${nv.delivered.toLocaleString('en-US')} messages, ${(nv.cpuUs / 1000).toFixed(0)} ms CPU, ${perNaive.toFixed(2)} us per delivered update`,
  );
  console.log(
    `FanoutHub at ${HZ} Hz  : ${hb.delivered.toLocaleString('en-US')} messages, ${(hb.cpuUs / 1000).toFixed(0)} ms CPU, ${perHub.toFixed(2)} us per delivered update`,
  );
  console.log(
    `ratio (naive / hub) per delivered update: ${(perNaive / perHub).toFixed(2)}x (goal >= 2.5x); hub ${perHub <= 5 ? 'meets' : 'MISSES'} the 5 us goal`,
  );
  console.log(
    `server CPU for the same market, whole phase: naive ${(nv.cpuUs / 1000).toFixed(0)} ms vs hub ${(hb.cpuUs / 1000).toFixed(0)} ms (${(nv.cpuUs / hb.cpuUs).toFixed(1)}x)`,
  );
  child.kill();
  for (const ws of sockets) ws.terminate();
  wss.close();
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
