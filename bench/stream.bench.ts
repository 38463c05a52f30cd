/**
 * SmartStream messages per second over a loopback socket: a local `ws` server blasts pre-built LTP and
 * SnapQuote frames at the real SmartStreamClient (header auth, decoder, per-token timestamps, tick
 * callback). Prints frames/s received and decoded, so regressions in the socket path show up as figures.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '@/broker/broker-logger';
import { SmartStreamClient } from '@/broker/angel-one/smart-stream-client';
import { buildFrame, sampleSnap } from '../test/broker/fixtures/frames';

const SECONDS = Number(process.env.STREAM_BENCH_SECONDS ?? 3);

async function runCase(label: string, mode: 1 | 3): Promise<void> {
  const frames = Array.from({ length: 500 }, (_, i) =>
    buildFrame({ ...sampleSnap(String(2000 + i)), mode, ltp: 80000 + i }),
  );
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  let sending = true;
  let sent = 0;
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', () => undefined); // subscribe frames
    const pump = () => {
      // Respect backpressure so the figure is what the client can take, not how much the kernel buffers.
      while (sending && ws.bufferedAmount < 1 << 20) {
        ws.send(frames[sent++ % frames.length]);
      }
      if (sending) setImmediate(pump);
    };
    pump();
  });
  let received = 0;
  let checksum = 0;
  const client = new SmartStreamClient({
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/smart-stream`,
    apiKey: 'k',
    clientCode: 'C',
    credentials: () => ({ jwt: 'j', feedToken: 'f' }),
    logger: silentLogger,
    onTick: (t) => {
      received++;
      checksum += t.ltp;
    },
  });
  client.subscribe([{ exchangeType: 1, token: '2000', mode }]);
  client.start();
  await new Promise((r) => setTimeout(r, 300)); // connect and warm up
  const start = process.hrtime.bigint();
  const r0 = received;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const n = received - r0;
  sending = false;
  client.stop();
  for (const c of wss.clients) c.terminate();
  wss.close();
  const c = client.counters;
  console.log(
    `${label.padEnd(10)} ${(n / elapsed / 1e3).toFixed(1).padStart(8)} k msgs/s  (${n} in ${elapsed.toFixed(2)} s, ${frames[0].length} B frames, ${((n * frames[0].length) / elapsed / 1e6).toFixed(1)} MB/s, drops ${c.short + c.long + c.unknownMode + c.badToken}, checksum ${checksum > 0 ? 'ok' : 'zero'})`,
  );
}

async function main(): Promise<void> {
  await runCase('LTP', 1);
  await runCase('SnapQuote', 3);
}

void main().then(() => process.exit(0));
