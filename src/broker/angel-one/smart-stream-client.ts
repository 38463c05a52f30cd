/**
 * SmartStream 2.0 market-data client (protocol §4). Shards subscriptions over at most 3 connections of
 * at most 1000 tokens each, replays every subscription after a reconnect, keeps the last exchange
 * timestamp per token for staleness checks, and hands decoded ticks to one callback on the hot path.
 */
import type { BrokerLogger } from '@/broker/broker-logger';
import { setStreamConnected } from '@/broker/broker.metrics';
import { counter, histogram } from '@/monitoring/metrics';
import { ReconnectingSocket } from './reconnecting-socket';
import { StreamDecoder, type DecodedTick } from './stream-decoder';

const ticksTotal = counter({
  name: 'trading_bot_broker_ticks_total',
  help: 'SmartStream ticks decoded',
  labelNames: ['mode'] as const,
});
const decodeErrors = counter({
  name: 'trading_bot_broker_stream_decode_errors_total',
  help: 'SmartStream frames dropped by the decoder',
  labelNames: ['reason'] as const,
});
const reconnectsTotal = counter({
  name: 'trading_bot_broker_stream_reconnects_total',
  help: 'Broker socket reconnects',
  labelNames: ['stream'] as const,
});
const lagSeconds = histogram({
  name: 'trading_bot_broker_tick_lag_seconds',
  help: 'Receive time minus exchange time of sampled ticks',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30],
});

export const MAX_CONNECTIONS = 3;
export const MAX_TOKENS_PER_CONNECTION = 1000;
const MODE_NAMES = ['', 'ltp', 'quote', 'snap'];

export interface StreamSubscription {
  exchangeType: number;
  token: string;
  mode: 1 | 2 | 3;
}

export interface SmartStreamOptions {
  url: string;
  apiKey: string;
  clientCode: string;
  credentials: () => { jwt: string | null; feedToken: string | null };
  logger: BrokerLogger;
  /** Called for each decoded frame; the object is reused for the next frame, so copy what you keep. */
  onTick: (tick: DecodedTick, receivedAt: number) => void;
  onAuthRejected?: () => void;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  maxConnections?: number;
  maxTokensPerConnection?: number;
}

interface Shard {
  socket: ReconnectingSocket;
  subs: Map<string, StreamSubscription>;
}

export class SmartStreamClient {
  private readonly decoder = new StreamDecoder();
  private readonly shards: Shard[] = [];
  private readonly shardOf = new Map<string, Shard>();
  /** token -> last exchange timestamp (ms), for feed staleness. */
  readonly lastExchangeTime = new Map<string, number>();
  private started = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushed = { decoded: 0, short: 0, long: 0, unknownMode: 0, badToken: 0 };
  private readonly modeCounts = [0, 0, 0, 0];
  private reconnectsFlushed = 0;
  private sample = 0;
  errorFrames = 0;

  constructor(private readonly o: SmartStreamOptions) {}

  get counters() {
    return {
      ...this.decoder.counters,
      errorFrames: this.errorFrames,
      reconnects: this.reconnects,
      connections: this.shards.length,
    };
  }

  get reconnects(): number {
    return this.shards.reduce((n, s) => n + s.socket.reconnects, 0);
  }

  get subscriptionCount(): number {
    return this.shardOf.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const s of this.shards) s.socket.start();
    this.flushTimer = setInterval(() => this.flushMetrics(), 5_000);
    this.flushTimer.unref?.();
  }

  stop(): void {
    this.started = false;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushMetrics();
    for (const s of this.shards) s.socket.stop();
  }

  /** New tokens after a re-login: reconnect every shard with them. */
  recycle(): void {
    for (const s of this.shards) s.socket.recycle();
  }

  /** Subscribes; returns the subscriptions refused because every connection is full. */
  subscribe(subs: StreamSubscription[]): StreamSubscription[] {
    const refused: StreamSubscription[] = [];
    const toSend = new Map<Shard, StreamSubscription[]>();
    for (const sub of subs) {
      const key = `${sub.exchangeType}:${sub.token}`;
      const existing = this.shardOf.get(key);
      if (existing) {
        const prev = existing.subs.get(key)!;
        if (prev.mode === sub.mode) continue;
        // One subscription per token: switch modes by unsubscribing the old one first.
        this.send(existing, 0, [prev]);
        existing.subs.set(key, sub);
        push(toSend, existing, sub);
        continue;
      }
      const shard = this.shardWithRoom();
      if (!shard) {
        refused.push(sub);
        continue;
      }
      shard.subs.set(key, sub);
      this.shardOf.set(key, shard);
      push(toSend, shard, sub);
    }
    for (const [shard, list] of toSend) this.send(shard, 1, list);
    if (refused.length)
      this.o.logger.warn(
        `SmartStream: ${refused.length} subscriptions refused: ${this.maxConnections} connections x ${this.maxTokens} tokens are full`,
      );
    return refused;
  }

  unsubscribe(subs: Pick<StreamSubscription, 'exchangeType' | 'token'>[]): void {
    const toSend = new Map<Shard, StreamSubscription[]>();
    for (const sub of subs) {
      const key = `${sub.exchangeType}:${sub.token}`;
      const shard = this.shardOf.get(key);
      if (!shard) continue;
      push(toSend, shard, shard.subs.get(key)!);
      shard.subs.delete(key);
      this.shardOf.delete(key);
    }
    for (const [shard, list] of toSend) this.send(shard, 0, list);
  }

  private get maxConnections(): number {
    return this.o.maxConnections ?? MAX_CONNECTIONS;
  }
  private get maxTokens(): number {
    return this.o.maxTokensPerConnection ?? MAX_TOKENS_PER_CONNECTION;
  }

  private shardWithRoom(): Shard | null {
    const free = this.shards.find((s) => s.subs.size < this.maxTokens);
    if (free) return free;
    if (this.shards.length >= this.maxConnections) return null;
    const shard: Shard = { socket: null as unknown as ReconnectingSocket, subs: new Map() };
    shard.socket = new ReconnectingSocket({
      name: `SmartStream#${this.shards.length + 1}`,
      url: this.o.url,
      logger: this.o.logger,
      pingIntervalMs: this.o.pingIntervalMs,
      pongTimeoutMs: this.o.pongTimeoutMs,
      reconnectBaseMs: this.o.reconnectBaseMs,
      reconnectMaxMs: this.o.reconnectMaxMs,
      headers: () => {
        const c = this.o.credentials();
        if (!c.jwt || !c.feedToken) return null;
        return {
          Authorization: `Bearer ${c.jwt}`,
          'x-api-key': this.o.apiKey,
          'x-client-code': this.o.clientCode,
          'x-feed-token': c.feedToken,
        };
      },
      // Replay everything this shard owns: the server forgets subscriptions with the socket.
      onOpen: () => this.send(shard, 1, [...shard.subs.values()]),
      onBinary: (data) => this.onFrame(data),
      onText: (text) => this.onText(text),
      onAuthRejected: () => this.o.onAuthRejected?.(),
    });
    this.shards.push(shard);
    if (this.started) shard.socket.start();
    return shard;
  }

  private onFrame(data: Buffer): void {
    if (!this.decoder.decode(data)) return;
    const t = this.decoder.tick;
    const now = Date.now();
    this.lastExchangeTime.set(t.token, t.exchangeTime);
    this.modeCounts[t.mode]++;
    if ((++this.sample & 63) === 0 && t.exchangeTime > 0)
      lagSeconds.observe(Math.max(0, now - t.exchangeTime) / 1000);
    this.o.onTick(t, now);
  }

  private onText(text: string): void {
    if (text === 'pong') return;
    this.errorFrames++;
    this.o.logger.warn(`SmartStream: server message: ${text.slice(0, 200)}`);
  }

  /** One JSON frame per mode, tokens grouped by exchange type (§4.2). */
  private send(shard: Shard, action: 0 | 1, subs: StreamSubscription[]): void {
    if (subs.length === 0) return;
    const byMode = new Map<number, Map<number, string[]>>();
    for (const s of subs) {
      const ex = byMode.get(s.mode) ?? new Map<number, string[]>();
      byMode.set(s.mode, ex);
      const list = ex.get(s.exchangeType) ?? [];
      ex.set(s.exchangeType, list);
      list.push(s.token);
    }
    for (const [mode, ex] of byMode) {
      const tokenList = [...ex].map(([exchangeType, tokens]) => ({ exchangeType, tokens }));
      shard.socket.send(
        JSON.stringify({ correlationID: `tb${action}m${mode}`, action, params: { mode, tokenList } }),
      );
    }
  }

  private flushMetrics(): void {
    const c = this.decoder.counters;
    const f = this.flushed;
    if (c.short > f.short) decodeErrors.inc({ reason: 'short' }, c.short - f.short);
    if (c.long > f.long) decodeErrors.inc({ reason: 'long' }, c.long - f.long);
    if (c.unknownMode > f.unknownMode)
      decodeErrors.inc({ reason: 'unknown_mode' }, c.unknownMode - f.unknownMode);
    if (c.badToken > f.badToken) decodeErrors.inc({ reason: 'bad_token' }, c.badToken - f.badToken);
    this.flushed = { ...c };
    for (let m = 1; m <= 3; m++) {
      if (this.modeCounts[m] > 0) ticksTotal.inc({ mode: MODE_NAMES[m] }, this.modeCounts[m]);
      this.modeCounts[m] = 0;
    }
    const r = this.reconnects;
    if (r > this.reconnectsFlushed)
      reconnectsTotal.inc({ stream: 'smart_stream' }, r - this.reconnectsFlushed);
    this.reconnectsFlushed = r;
    setStreamConnected(this.started && this.shards.length > 0 && this.shards.every((s) => s.socket.isOpen));
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k) ?? [];
  m.set(k, list);
  list.push(v);
}
