/**
 * One WebSocket that stays up: header auth from a provider (fresh tokens on every attempt), text `ping`
 * every 10 s with a pong watchdog, and reconnection with exponential backoff and full jitter. The
 * SmartStream and order-update clients build on it.
 */
import WebSocket from 'ws';
import type { BrokerLogger } from '@/broker/broker-logger';

export interface ReconnectingSocketOptions {
  name: string;
  url: string;
  /** Handshake headers; null when no session yet (the attempt is postponed with backoff). */
  headers: () => Record<string, string> | null;
  logger: BrokerLogger;
  pingIntervalMs?: number;
  /** No pong (or any frame) for this long after a ping: the socket is dead, drop it. */
  pongTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  onOpen: () => void;
  onBinary: (data: Buffer) => void;
  onText: (text: string) => void;
  onDown?: (reason: string) => void;
  /** The handshake was refused with 401: the session is probably stale. */
  onAuthRejected?: (message: string) => void;
}

export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  reconnects = 0;

  constructor(private readonly o: ReconnectingSocketOptions) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.clearPing();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  /** Drops the current connection (e.g. new tokens) and reconnects right away. */
  recycle(): void {
    if (this.stopped) return;
    this.ws?.terminate();
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(text);
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    const headers = this.o.headers();
    if (!headers) return this.scheduleRetry('no session yet');
    const ws = new WebSocket(this.o.url, { headers, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.startPing(ws);
      this.o.onOpen();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.lastHeard = Date.now();
      if (isBinary) this.o.onBinary(data);
      else this.o.onText(data.toString('utf8'));
    });
    ws.on('unexpected-response', (_req, res) => {
      const msg = String(res.headers['x-error-message'] ?? `HTTP ${res.statusCode}`);
      this.o.logger.warn(`${this.o.name}: handshake refused: ${msg}`);
      if (res.statusCode === 401) this.o.onAuthRejected?.(msg);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (e) => this.o.logger.warn(`${this.o.name}: ${e.message}`));
    ws.on('close', (code) => {
      this.clearPing();
      if (this.ws !== ws) return;
      this.ws = null;
      this.o.onDown?.(`closed (${code})`);
      this.scheduleRetry(`closed (${code})`);
    });
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped) return;
    const base = this.o.reconnectBaseMs ?? 500;
    const cap = Math.min(this.o.reconnectMaxMs ?? 30_000, base * 2 ** this.attempt);
    // Full jitter: spread a fleet of clients so they do not reconnect in lockstep.
    const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
    this.attempt++;
    this.reconnects++;
    this.o.logger.warn(`${this.o.name}: ${reason}; reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startPing(ws: WebSocket): void {
    this.clearPing();
    const every = this.o.pingIntervalMs ?? 10_000;
    const deadAfter = this.o.pongTimeoutMs ?? every * 2;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > deadAfter) {
        this.o.logger.warn(`${this.o.name}: no pong for ${deadAfter} ms; dropping the socket`);
        ws.terminate();
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.send('ping');
    }, every);
    this.pingTimer.unref?.();
  }

  private clearPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
