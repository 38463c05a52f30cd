import type { PublicChannel } from './ws-protocol';

/** What the hub needs from a socket (ws.WebSocket satisfies it; tests and the benchmark use fakes). */
export interface HubSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  /** Writes an already-framed message (same bytes for every client); false when it cannot, then `send` is used. */
  sendPrepared?(wire: Buffer): boolean;
  /** Batch this flush's writes to one client into one socket write. */
  cork?(): void;
  uncork?(): void;
}

export interface HubClient {
  readonly socket: HubSocket;
  /** Called when the client is over the send-buffer limit; the owner closes it. */
  onSlow(): void;
}

export interface HubStats {
  updates: number;
  framesSerialised: number;
  messagesSent: number;
  clientsDropped: number;
}

interface Stream {
  channel: PublicChannel;
  symbol: string;
  subscribers: Set<HubClient>;
  /** Latest payload not yet delivered (null once flushed): older ones are coalesced away. */
  pending: unknown;
  hasPending: boolean;
}

/**
 * Public-stream fan-out with per-symbol coalescing. `publish` only records the latest payload for its
 * stream; `flush`, run every 1000 / WS_CLIENT_MAX_HZ ms, serialises each changed stream ONCE and hands
 * the same string to every subscriber, so per-client cost is one `send` of a shared buffer and no client
 * sees more than WS_CLIENT_MAX_HZ updates per stream per second. A client whose socket buffer is over
 * `maxBufferedBytes` is reported slow and skipped, never buffered without bound.
 */
export class FanoutHub {
  private readonly streams = new Map<string, Stream>();
  private readonly dirty: Stream[] = [];
  readonly stats: HubStats = { updates: 0, framesSerialised: 0, messagesSent: 0, clientsDropped: 0 };

  private corked: HubSocket[] = [];

  constructor(
    private readonly opts: {
      maxBufferedBytes: number;
      onDemandChange?: (key: string, wanted: boolean) => void;
      /** Frames a text message once for all clients (see encodeTextFrame in socket-sessions). */
      encode?: (text: string) => Buffer;
    },
  ) {}

  subscribe(client: HubClient, key: string, channel: PublicChannel, symbol: string): boolean {
    let s = this.streams.get(key);
    if (!s) {
      s = { channel, symbol, subscribers: new Set(), pending: null, hasPending: false };
      this.streams.set(key, s);
      this.opts.onDemandChange?.(key, true);
    }
    const had = s.subscribers.has(client);
    s.subscribers.add(client);
    return !had;
  }

  unsubscribe(client: HubClient, key: string): boolean {
    const s = this.streams.get(key);
    if (!s || !s.subscribers.delete(client)) return false;
    if (s.subscribers.size === 0) {
      this.streams.delete(key);
      this.opts.onDemandChange?.(key, false);
    }
    return true;
  }

  /** Keys with at least one subscriber. */
  keys(): string[] {
    return [...this.streams.keys()];
  }

  subscriberCount(key: string): number {
    return this.streams.get(key)?.subscribers.size ?? 0;
  }

  publish(key: string, data: unknown): void {
    const s = this.streams.get(key);
    if (!s) return;
    this.stats.updates++;
    s.pending = data;
    if (!s.hasPending) {
      s.hasPending = true;
      this.dirty.push(s);
    }
  }

  /**
   * Delivers at once, bypassing coalescing (still serialised once): for updates a client must not miss,
   * such as a candle's final values, which are rare (one per bucket).
   */
  publishNow(key: string, data: unknown): number {
    const s = this.streams.get(key);
    if (!s) return 0;
    this.stats.updates++;
    // A pending (older, forming) value must not arrive after this one.
    s.hasPending = false;
    s.pending = null;
    const sent = this.sendAll(s, this.frame(s, data));
    this.uncorkAll();
    this.stats.messagesSent += sent;
    return sent;
  }

  /** Delivers the latest payload of every changed stream. Returns frames sent. */
  flush(): number {
    let sent = 0;
    for (let i = 0; i < this.dirty.length; i++) {
      const s = this.dirty[i];
      if (!s.hasPending) continue;
      s.hasPending = false;
      if (s.subscribers.size === 0) continue;
      const frame = this.frame(s, s.pending);
      s.pending = null;
      sent += this.sendAll(s, frame);
    }
    this.dirty.length = 0;
    this.uncorkAll();
    this.stats.messagesSent += sent;
    return sent;
  }

  private frame(s: Stream, data: unknown): string {
    this.stats.framesSerialised++;
    return `{"channel":"${s.channel}","symbol":${JSON.stringify(s.symbol)},"data":${JSON.stringify(data)}}`;
  }

  private sendAll(s: Stream, frame: string): number {
    let sent = 0;
    let wire: Buffer | undefined;
    const limit = this.opts.maxBufferedBytes;
    for (const c of s.subscribers) {
      const sock = c.socket;
      if (sock.bufferedAmount > limit) {
        this.stats.clientsDropped++;
        c.onSlow();
        continue;
      }
      if (sock.cork && !this.corked.includes(sock)) {
        sock.cork();
        this.corked.push(sock);
      }
      if (sock.sendPrepared && this.opts.encode) {
        wire ??= this.opts.encode(frame);
        if (!sock.sendPrepared(wire)) sock.send(frame);
      } else sock.send(frame);
      sent++;
    }
    return sent;
  }

  private uncorkAll(): void {
    for (const sock of this.corked) sock.uncork?.();
    this.corked = [];
  }

  /** Removes a client from every stream (on close). */
  removeClient(client: HubClient, keys: Iterable<string>): void {
    for (const k of keys) this.unsubscribe(client, k);
  }
}
