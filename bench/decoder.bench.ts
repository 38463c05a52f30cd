/**
 * SmartStream decode cost per frame: our allocation-free decoder vs a straightforward DataView/BigInt
 * decoder (what a first implementation or the official SDK's binary-parser does), same frames, same run.
 * Goal: <= 50 ns per LTP frame and >= 20x faster than the straightforward decoder.
 */
import os from 'node:os';
import { StreamDecoder } from '@/broker/angel-one/stream-decoder';
import { buildFrame, sampleSnap } from '../test/broker/fixtures/frames';

const textDecoder = new TextDecoder();

function naiveDecode(buf: Uint8Array): Record<string, unknown> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const mode = dv.getUint8(0);
  const out: Record<string, unknown> = {
    mode,
    exchangeType: dv.getUint8(1),
    token: textDecoder.decode(buf.subarray(2, 27)).replace(/\0+$/, ''),
    sequence: Number(dv.getBigInt64(27, true)),
    exchangeTime: Number(dv.getBigInt64(35, true)),
    ltp: Number(dv.getBigInt64(43, true)),
  };
  if (mode >= 2) {
    out.lastQuantity = Number(dv.getBigInt64(51, true));
    out.avgPrice = Number(dv.getBigInt64(59, true));
    out.volume = Number(dv.getBigInt64(67, true));
    out.totalBuy = dv.getFloat64(75, true);
    out.totalSell = dv.getFloat64(83, true);
    out.open = Number(dv.getBigInt64(91, true));
    out.high = Number(dv.getBigInt64(99, true));
    out.low = Number(dv.getBigInt64(107, true));
    out.close = Number(dv.getBigInt64(115, true));
  }
  if (mode === 3) {
    out.lastTradedTime = Number(dv.getBigInt64(123, true));
    out.oi = Number(dv.getBigInt64(131, true));
    out.oiChange = dv.getFloat64(139, true);
    const bids: object[] = [];
    const asks: object[] = [];
    for (let i = 0; i < 10; i++) {
      const o = 147 + i * 20;
      const level = {
        qty: Number(dv.getBigInt64(o + 2, true)),
        price: Number(dv.getBigInt64(o + 10, true)),
        orders: dv.getInt16(o + 18, true),
      };
      (dv.getInt16(o, true) === 1 ? bids : asks).push(level);
    }
    out.bids = bids;
    out.asks = asks;
    out.upper = Number(dv.getBigInt64(347, true));
    out.lower = Number(dv.getBigInt64(355, true));
    out.high52 = Number(dv.getBigInt64(363, true));
    out.low52 = Number(dv.getBigInt64(371, true));
  }
  return out;
}

function frames(mode: 1 | 3): Uint8Array[] {
  // 1000 instruments' frames, cycled, so token caching and branch prediction see a realistic mix.
  return Array.from(
    { length: 1000 },
    (_, i) =>
      new Uint8Array(
        buildFrame({
          ...sampleSnap(String(1000 + i)),
          mode,
          ltp: 80000 + i,
          exchangeTime: 1764200000000 + i,
        }),
      ),
  );
}

// Two separate loops (not one loop taking a callback) so each call site stays monomorphic.
function timeOurs(d: StreamDecoder, fs: Uint8Array[], iterations: number): number {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) if (d.decode(fs[i % fs.length])) sink++; // JIT warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (d.decode(fs[i % fs.length])) sink++;
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  if (sink === 0) throw new Error('decoder accepted nothing');
  return ns;
}

function timeNaive(fs: Uint8Array[], iterations: number): number {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) if (naiveDecode(fs[i % fs.length]).ltp) sink++;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (naiveDecode(fs[i % fs.length]).ltp) sink++;
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  if (sink === 0) throw new Error('naive decoder accepted nothing');
  return ns;
}

function line(label: string, ns: number): void {
  console.log(
    `${label.padEnd(28)} ${ns.toFixed(1).padStart(8)} ns/frame  (${(1e3 / ns).toFixed(2)} M frames/s)`,
  );
}

const d = new StreamDecoder();
const results: string[] = [];
for (const [name, mode, n] of [
  ['LTP', 1, 5_000_000],
  ['SnapQuote', 3, 1_000_000],
] as const) {
  const fs = frames(mode);
  const ours = timeOurs(d, fs, n);
  const naive = timeNaive(fs, n);
  line(`ours ${name}`, ours);
  line(`DataView/BigInt ${name}`, naive);
  results.push(
    `${name}: ours is ${(naive / ours).toFixed(1)}x faster${name === 'LTP' ? ' (goal >= 20x)' : ''}`,
  );
  if (name === 'LTP')
    results.push(`LTP goal <= 50 ns: ${ours <= 50 ? 'met' : 'NOT met'} (${ours.toFixed(1)} ns)`);
}
console.log(results.join('\n'));
console.log(`decoder counters: ${JSON.stringify(d.counters)}`);
console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs (figures are noisy on a busy machine)`,
);
