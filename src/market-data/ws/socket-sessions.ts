import type { IncomingMessage } from 'node:http';
import type { WebSocket, RawData } from 'ws';
import { Role, type AuthUser } from '@/auth/role.enum';
import type { Interval } from '@/domain/market';
import { isInterval } from '@/market-data/candles/intervals';
import { FanoutHub, type HubClient } from './fanout-hub';
import { extractToken, socketForHub } from './ws-socket';
import {
  isPrivateChannel,
  isPublicChannel,
  streamKey,
  WS_CLOSE,
  WS_ERRORS,
  type PrivateChannel,
  type PublicChannel,
  type WsErrorCode,
} from './ws-protocol';

export interface SocketLimits {
  maxSubscriptions: number;
  maxMessagesPerSecond: number;
  maxMessageBytes: number;
  maxSymbolsPerMessage: number;
  pingIntervalMs: number;
  maxBufferedBytes: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxSubscriptions: 200,
  maxMessagesPerSecond: 10,
  maxMessageBytes: 16 * 1024,
  maxSymbolsPerMessage: 100,
  pingIntervalMs: 25_000,
  maxBufferedBytes: 1024 * 1024,
};

export interface SocketServerDeps {
  hub: FanoutHub;
  authenticate: (token: string) => Promise<AuthUser | null>;
  /** The symbols among these that are not known instruments. */
  unknownSymbols: (symbols: string[]) => Promise<string[]>;
  /** The latest value of a stream, sent right after a subscribe so the client has a picture at once. */
  snapshot?: (channel: PublicChannel, symbol: string, interval?: Interval) => Promise<unknown>;
  limits?: Partial<SocketLimits>;
  onMetrics?: {
    connected?: (n: number) => void;
    dropped?: (reason: string) => void;
    sent?: (n: number) => void;
  };
}

interface Conn extends HubClient {
  ws: WebSocket;
  user: AuthUser;
  keys: Set<string>;
  privates: Set<PrivateChannel>;
  tokens: number;
  lastRefill: number;
  alive: boolean;
  closed: boolean;
}

/**
 * One authenticated market-data connection per socket: authentication before anything is sent, the
 * JSON subscribe protocol with an ack or error per message, bounded subscriptions and inbound rate,
 * server pings, public streams through the shared FanoutHub and private channels to owners and admins.
 */
export class SocketSessions {
  private readonly conns = new Set<Conn>();
  private readonly byUser = new Map<string, Set<Conn>>();
  private readonly limits: SocketLimits;
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly deps: SocketServerDeps) {
    this.limits = { ...DEFAULT_SOCKET_LIMITS, ...deps.limits };
    this.pinger = setInterval(() => this.ping(), this.limits.pingIntervalMs);
    this.pinger.unref();
  }

  get size(): number {
    return this.conns.size;
  }

  /** Authenticates, then serves. Inbound messages that arrive during authentication are queued, not lost. */
  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    const queued: RawData[] = [];
    const early = (d: RawData) => queued.length < 20 && queued.push(d);
    ws.on('message', early);
    const token = extractToken(req);
    const auth = token ? this.deps.authenticate(token).catch(() => null) : Promise.resolve(null);
    void auth.then((user) => {
      ws.off('message', early);
      if (!user || ws.readyState !== ws.OPEN) {
        ws.close(WS_CLOSE.UNAUTHORIZED, 'unauthorized');
        return;
      }
      const conn = this.register(ws, user);
      for (const d of queued) this.onMessage(conn, d);
    });
  }

  /** Private channel delivery: to the owner's connections and to admins; `userId` null means admins only. */
  deliverPrivate(channel: PrivateChannel, userId: string | null, data: unknown, event?: string): number {
    let frame: string | null = null;
    let n = 0;
    const send = (c: Conn) => {
      if (c.closed || !c.privates.has(channel)) return;
      frame ??= JSON.stringify(event ? { channel, event, data } : { channel, data });
      if (this.sendChecked(c, frame)) n++;
    };
    const owners = userId ? this.byUser.get(userId) : undefined;
    owners?.forEach(send);
    for (const c of this.conns) if (c.user.role === Role.Admin && c.user.id !== userId) send(c);
    this.deps.onMetrics?.sent?.(n);
    return n;
  }

  /**
   * One frame per subscribed private channel to every connection holding at least one (owners and admins
   * alike), in the envelope `deliverPrivate` uses: `{channel, event, data}` with `data` chosen per
   * channel. For notices about the channel itself (a `resync` after the event stream was interrupted),
   * not for owner-scoped data. Returns the frames sent.
   */
  broadcastPrivate(event: string, dataFor: (channel: PrivateChannel) => unknown): number {
    const frames = new Map<PrivateChannel, string>();
    let n = 0;
    for (const c of [...this.conns]) {
      for (const channel of [...c.privates]) {
        if (c.closed) break;
        let frame = frames.get(channel);
        if (frame === undefined) {
          frame = JSON.stringify({ channel, event, data: dataFor(channel) });
          frames.set(channel, frame);
        }
        if (this.sendChecked(c, frame)) n++;
      }
    }
    this.deps.onMetrics?.sent?.(n);
    return n;
  }

  closeAll(code: number = WS_CLOSE.SHUTDOWN, reason = 'server shutting down'): void {
    clearInterval(this.pinger);
    for (const c of [...this.conns]) c.ws.close(code, reason);
  }

  private register(ws: WebSocket, user: AuthUser): Conn {
    const conn: Conn = {
      ws,
      socket: socketForHub(ws),
      user,
      keys: new Set(),
      privates: new Set(),
      tokens: this.limits.maxMessagesPerSecond * 2,
      lastRefill: Date.now(),
      alive: true,
      closed: false,
      onSlow: () => this.drop(conn, WS_CLOSE.SLOW_CONSUMER, 'slow consumer', 'slow'),
    };
    this.conns.add(conn);
    let set = this.byUser.get(user.id);
    if (!set) this.byUser.set(user.id, (set = new Set()));
    set.add(conn);
    ws.on('message', (d) => this.onMessage(conn, d));
    ws.on('pong', () => (conn.alive = true));
    ws.on('close', () => this.unregister(conn));
    ws.on('error', () => this.unregister(conn));
    this.deps.onMetrics?.connected?.(this.conns.size);
    return conn;
  }

  private unregister(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    this.deps.hub.removeClient(conn, conn.keys);
    conn.keys.clear();
    this.conns.delete(conn);
    const set = this.byUser.get(conn.user.id);
    set?.delete(conn);
    if (set && set.size === 0) this.byUser.delete(conn.user.id);
    this.deps.onMetrics?.connected?.(this.conns.size);
  }

  private drop(conn: Conn, code: number, reason: string, metric: string): void {
    if (conn.closed) return;
    this.deps.onMetrics?.dropped?.(metric);
    this.unregister(conn);
    conn.ws.close(code, reason);
    // A slow peer may never read the close frame either: cut it after a grace period.
    setTimeout(() => conn.ws.terminate(), 2000).unref();
  }

  private ping(): void {
    for (const c of [...this.conns]) {
      if (!c.alive) {
        this.drop(c, WS_CLOSE.PING_TIMEOUT, 'ping timeout', 'ping_timeout');
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private sendChecked(c: Conn, frame: string): boolean {
    if (c.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      c.onSlow();
      return false;
    }
    c.ws.send(frame);
    return true;
  }

  private reply(c: Conn, body: Record<string, unknown>): void {
    if (!c.closed) this.sendChecked(c, JSON.stringify(body));
  }

  private error(c: Conn, code: WsErrorCode, message: string, extra: Record<string, unknown> = {}): void {
    this.reply(c, { type: 'error', code, message, ...extra });
  }

  private takeToken(c: Conn): boolean {
    const now = Date.now();
    const rate = this.limits.maxMessagesPerSecond;
    c.tokens = Math.min(rate * 2, c.tokens + ((now - c.lastRefill) / 1000) * rate);
    c.lastRefill = now;
    if (c.tokens < 1) {
      c.tokens -= 1;
      return false;
    }
    c.tokens -= 1;
    return true;
  }

  private onMessage(c: Conn, raw: RawData): void {
    if (c.closed) return;
    if (!this.takeToken(c)) {
      // A client that keeps flooding after being told is cut off rather than served errors for ever.
      if (c.tokens < -this.limits.maxMessagesPerSecond * 5)
        return this.drop(c, WS_CLOSE.RATE_LIMITED, 'too many messages', 'rate_limited');
      return this.error(
        c,
        WS_ERRORS.RATE_LIMITED,
        `at most ${this.limits.maxMessagesPerSecond} messages per second`,
      );
    }
    const text = Array.isArray(raw)
      ? Buffer.concat(raw).toString('utf8')
      : Buffer.from(raw as ArrayBuffer).toString('utf8');
    if (text.length > this.limits.maxMessageBytes)
      return this.error(c, WS_ERRORS.BAD_MESSAGE, `message larger than ${this.limits.maxMessageBytes} bytes`);
    let msg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      msg = parsed as Record<string, unknown>;
    } catch {
      return this.error(
        c,
        WS_ERRORS.BAD_MESSAGE,
        'messages are JSON objects: {"action":"subscribe","channel":"ticks","symbols":["NSE:SBIN-EQ"]}',
      );
    }
    void this.handle(c, msg).catch(() =>
      this.error(c, WS_ERRORS.BAD_MESSAGE, 'could not process the message'),
    );
  }

  private async handle(c: Conn, msg: Record<string, unknown>): Promise<void> {
    const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? { id: msg.id } : {};
    const { action, channel } = msg;
    if (action !== 'subscribe' && action !== 'unsubscribe')
      return this.error(c, WS_ERRORS.BAD_MESSAGE, 'action must be "subscribe" or "unsubscribe"', id);
    if (isPrivateChannel(channel)) {
      if (action === 'subscribe') c.privates.add(channel);
      else c.privates.delete(channel);
      return this.reply(c, { type: 'ack', action, channel, ...id });
    }
    if (!isPublicChannel(channel))
      return this.error(c, WS_ERRORS.UNKNOWN_CHANNEL, `unknown channel ${JSON.stringify(channel)}`, id);
    let interval: Interval | undefined;
    if (channel === 'candles') {
      if (!isInterval(msg.interval))
        return this.error(
          c,
          WS_ERRORS.BAD_INTERVAL,
          `candles need "interval", one of 1m,3m,5m,15m,30m,1h,1d`,
          id,
        );
      interval = msg.interval;
    }
    const symbols = msg.symbols;
    if (
      !Array.isArray(symbols) ||
      symbols.length === 0 ||
      !symbols.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 64)
    ) {
      return this.error(
        c,
        WS_ERRORS.BAD_MESSAGE,
        '"symbols" must be a non-empty array of symbols like "NSE:SBIN-EQ"',
        id,
      );
    }
    if (symbols.length > this.limits.maxSymbolsPerMessage)
      return this.error(
        c,
        WS_ERRORS.SUBSCRIPTION_LIMIT,
        `at most ${this.limits.maxSymbolsPerMessage} symbols per message`,
        id,
      );
    const list = [...new Set(symbols as string[])];
    if (action === 'unsubscribe') {
      for (const s of list) {
        const key = streamKey(channel, s, interval);
        if (c.keys.delete(key)) this.deps.hub.unsubscribe(c, key);
      }
      return this.reply(c, {
        type: 'ack',
        action,
        channel,
        symbols: list,
        ...(interval ? { interval } : {}),
        ...id,
      });
    }
    const unknown = await this.deps.unknownSymbols(list);
    if (unknown.length)
      return this.error(c, WS_ERRORS.UNKNOWN_SYMBOL, `unknown symbol(s): ${unknown.join(', ')}`, {
        symbols: unknown,
        ...id,
      });
    const fresh = list.filter((s) => !c.keys.has(streamKey(channel, s, interval)));
    if (c.keys.size + fresh.length > this.limits.maxSubscriptions) {
      return this.error(
        c,
        WS_ERRORS.SUBSCRIPTION_LIMIT,
        `at most ${this.limits.maxSubscriptions} subscriptions per connection (have ${c.keys.size})`,
        id,
      );
    }
    if (c.closed) return;
    for (const s of fresh) {
      const key = streamKey(channel, s, interval);
      c.keys.add(key);
      this.deps.hub.subscribe(c, key, channel, s);
    }
    this.reply(c, { type: 'ack', action, channel, symbols: list, ...(interval ? { interval } : {}), ...id });
    if (!this.deps.snapshot) return;
    for (const s of fresh) {
      const data = await this.deps.snapshot(channel, s, interval);
      if (data != null && !c.closed) this.sendChecked(c, JSON.stringify({ channel, symbol: s, data }));
    }
  }
}
