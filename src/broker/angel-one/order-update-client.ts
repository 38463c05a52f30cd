/**
 * Order-status stream (protocol §5): header auth, `AB00` on connect, then one JSON frame per order
 * change, parsed into typed `OrderUpdate`s. While the socket is down it polls the order book (at most
 * once a second, the route's limit) and emits what changed, so no fill goes unseen.
 */
import type { BrokerLogger } from '@/broker/broker-logger';
import type { BrokerOrder, OrderUpdate } from '@/broker/broker.types';
import { counter } from '@/monitoring/metrics';
import { fromWireOrder } from './mapper';
import { ReconnectingSocket } from './reconnecting-socket';
import { orderRow } from './schemas';

const updatesTotal = counter({
  name: 'trading_bot_broker_order_updates_total',
  help: 'Order updates received, by source',
  labelNames: ['source'] as const,
});
const badFrames = counter({
  name: 'trading_bot_broker_order_update_bad_frames_total',
  help: 'Order-update frames that failed to parse',
});

export interface OrderUpdateClientOptions {
  url: string;
  apiKey: string;
  clientCode: string;
  credentials: () => { jwt: string | null; feedToken: string | null };
  logger: BrokerLogger;
  onUpdate: (u: OrderUpdate) => void;
  /** Reads the order book (the gateway passes a session-wrapped REST call). */
  pollOrderBook: () => Promise<BrokerOrder[]>;
  pollIntervalMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  onAuthRejected?: () => void;
}

export class OrderUpdateClient {
  private readonly socket: ReconnectingSocket;
  /** orderid -> fingerprint of the last state seen, to emit only changes when polling. */
  private readonly seen = new Map<string, string>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private running = false;
  connectedOnce = false;
  frames = 0;

  constructor(private readonly o: OrderUpdateClientOptions) {
    this.socket = new ReconnectingSocket({
      name: 'OrderUpdates',
      url: o.url,
      logger: o.logger,
      pingIntervalMs: o.pingIntervalMs,
      pongTimeoutMs: o.pongTimeoutMs,
      reconnectBaseMs: o.reconnectBaseMs,
      reconnectMaxMs: o.reconnectMaxMs,
      headers: () => {
        const c = o.credentials();
        if (!c.jwt) return null;
        return {
          Authorization: `Bearer ${c.jwt}`,
          'x-api-key': o.apiKey,
          'x-client-code': o.clientCode,
          'x-feed-token': c.feedToken ?? '',
        };
      },
      onOpen: () => {
        this.stopPolling();
        // Bridge the gap: whatever changed while we were away comes from one last book read.
        if (this.connectedOnce) void this.pollOnce();
        this.connectedOnce = true;
      },
      onBinary: () => badFrames.inc(),
      onText: (t) => this.onText(t),
      onDown: () => this.startPolling(),
      onAuthRejected: o.onAuthRejected,
    });
  }

  get isConnected(): boolean {
    return this.socket.isOpen;
  }

  get reconnects(): number {
    return this.socket.reconnects;
  }

  start(): void {
    this.running = true;
    this.socket.start();
  }

  stop(): void {
    this.running = false;
    this.stopPolling();
    this.socket.stop();
  }

  recycle(): void {
    this.socket.recycle();
  }

  /** Parses one frame; exposed for fixture tests. Returns the update, or null for AB00/pong/bad frames. */
  parse(text: string, receivedAt = Date.now()): OrderUpdate | null {
    if (text === 'pong') return null;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      badFrames.inc();
      return null;
    }
    const code = typeof msg['order-status'] === 'string' ? msg['order-status'] : null;
    if (code === 'AB00') return null;
    const data = msg.orderData;
    if (!data || typeof data !== 'object' || !('orderid' in data) || !data.orderid) {
      const err = msg['error-message'];
      if (typeof err === 'string' && err) this.o.logger.warn(`order updates: ${err.slice(0, 200)}`);
      return null;
    }
    const row = orderRow.safeParse(data);
    if (!row.success) {
      badFrames.inc();
      this.o.logger.warn(`order updates: frame failed validation at ${row.error.issues[0]?.path.join('.')}`);
      return null;
    }
    try {
      const order = fromWireOrder(row.data);
      this.seen.set(order.brokerOrderId, fingerprint(order));
      return { order, eventCode: code, source: 'stream', receivedAt };
    } catch (e) {
      badFrames.inc();
      this.o.logger.warn(`order updates: ${(e as Error).message}`);
      return null;
    }
  }

  private onText(text: string): void {
    this.frames++;
    const u = this.parse(text);
    if (u) {
      updatesTotal.inc({ source: 'stream' });
      this.o.onUpdate(u);
    }
  }

  private startPolling(): void {
    if (this.pollTimer || !this.running) return;
    const every = Math.max(1000, this.o.pollIntervalMs ?? 1000);
    this.pollTimer = setInterval(() => void this.pollOnce(), every);
    this.pollTimer.unref?.();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const book = await this.o.pollOrderBook();
      const now = Date.now();
      for (const order of book) {
        const fp = fingerprint(order);
        if (this.seen.get(order.brokerOrderId) === fp) continue;
        this.seen.set(order.brokerOrderId, fp);
        updatesTotal.inc({ source: 'poll' });
        this.o.onUpdate({ order, eventCode: null, source: 'poll', receivedAt: now });
      }
    } catch (e) {
      this.o.logger.warn(`order book poll failed: ${(e as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}

function fingerprint(o: BrokerOrder): string {
  return `${o.rawStatus}|${o.filledQuantity}|${o.quantity}|${o.pricePaise}|${o.triggerPricePaise}`;
}
