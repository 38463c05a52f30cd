import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SimContext } from '../context';
import type { InstrumentState } from '../market/market';
import { EXCHANGE_TYPE, encodeFrame, frameData, type StreamMode } from './encoder';
import {
  CLOSE_LIMIT,
  ConnectionCounter,
  MAX_BUFFERED_BYTES,
  MAX_CONNECTIONS_PER_CLIENT,
  header,
  rawText,
  refuseUpgrade,
} from './ws-common';

export const MAX_TOKENS_PER_CONNECTION = 1000;
const VALID_EXCHANGE_TYPES = new Set([1, 2, 3, 4, 5, 7, 13]);

interface Sub {
  mode: StreamMode;
  exchangeType: number;
  token: string;
}
interface Conn {
  clientCode: string;
  /** key `${exchangeType}|${token}|${mode}` */
  subs: Map<string, Sub>;
}

type ParsedRequest = { ok: true; action: 0 | 1; subs: Sub[] } | { ok: false; message: string };

/** SmartStream 2.0 at `/smart-stream` (protocol §4). */
export class SmartStreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly conns = new Map<WebSocket, Conn>();
  private readonly counter = new ConnectionCounter(MAX_CONNECTIONS_PER_CLIENT);

  constructor(private readonly ctx: SimContext) {
    ctx.market.onTicks((states) => this.broadcast(states));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const clientCode = this.authenticate(req);
    if (typeof clientCode !== 'string') return refuseUpgrade(socket, 401, clientCode.error);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!this.counter.tryAdd(clientCode, ws)) {
        ws.close(CLOSE_LIMIT, 'Connection limit exceeded');
        return;
      }
      this.conns.set(ws, { clientCode, subs: new Map() });
      ws.on('close', () => this.conns.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    });
  }

  /** Header auth (Authorization with or without `Bearer`), or the browser query-string variant. */
  private authenticate(req: IncomingMessage): string | { error: string } {
    const { options, sessions } = this.ctx;
    const q = new URL(req.url ?? '/', 'http://sim').searchParams;
    const viaQuery = header(req, 'x-feed-token') === undefined && q.has('feedToken');
    const apiKey = viaQuery ? q.get('apiKey') : header(req, 'x-api-key');
    const clientCode = viaQuery ? q.get('clientCode') : header(req, 'x-client-code');
    const feedToken = viaQuery ? q.get('feedToken') : header(req, 'x-feed-token');
    if (apiKey !== options.apiKey) return { error: 'Invalid API Key' };
    if (clientCode !== options.clientCode) return { error: 'Invalid Client Code' };
    if (!viaQuery) {
      const jwt = sessions.verify(header(req, 'authorization'), 'access');
      if (!jwt.ok || jwt.clientCode !== clientCode) return { error: 'Invalid Auth token' };
    }
    const feed = sessions.verify(feedToken, 'feed');
    if (!feed.ok || feed.clientCode !== clientCode) return { error: 'Invalid Feed Token' };
    return clientCode;
  }

  /** Closes every socket abruptly (a dropped connection, not a close handshake). */
  dropAll(): number {
    const n = this.conns.size;
    for (const ws of this.conns.keys()) ws.terminate();
    return n;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    const text = isBinary ? null : rawText(data);
    if (text === 'ping') return ws.send('pong');
    let msg: unknown;
    try {
      msg = text === null ? null : JSON.parse(text);
    } catch {
      msg = null;
    }
    const correlationID =
      typeof (msg as { correlationID?: unknown })?.correlationID === 'string'
        ? (msg as { correlationID: string }).correlationID
        : '';
    const parsed = parseRequest(msg);
    if (!parsed.ok) return this.sendError(ws, correlationID, 'E1001', parsed.message);
    if (parsed.action === 0) {
      for (const s of parsed.subs) conn.subs.delete(key(s));
      return;
    }
    const tokens = new Set([...conn.subs.values()].map((s) => `${s.exchangeType}|${s.token}`));
    for (const s of parsed.subs) tokens.add(`${s.exchangeType}|${s.token}`);
    if (tokens.size > MAX_TOKENS_PER_CONNECTION) {
      // A failed subscribe leaves the existing subscriptions intact (§4.1).
      return this.sendError(
        ws,
        correlationID,
        'E1002',
        `Subscription limit exceeded: at most ${MAX_TOKENS_PER_CONNECTION} tokens per connection`,
      );
    }
    const fresh = parsed.subs.filter((s) => !conn.subs.has(key(s)));
    for (const s of fresh) conn.subs.set(key(s), s);
    if (this.ctx.market.isPaused) return;
    // A snapshot of each new subscription, so a client sees the current price without waiting a tick.
    for (const s of fresh) {
      const st = this.ctx.market.state(s.token);
      if (st && EXCHANGE_TYPE[st.instrument.exchSeg] === s.exchangeType)
        ws.send(encodeFrame(s.mode, frameData(st)));
    }
  }

  private sendError(
    ws: WebSocket,
    correlationID: string,
    errorCode: 'E1001' | 'E1002',
    errorMessage: string,
  ): void {
    ws.send(JSON.stringify({ correlationID, errorCode, errorMessage }));
  }

  private broadcast(states: InstrumentState[]): void {
    if (this.conns.size === 0) return;
    const byKey = new Map<string, InstrumentState>();
    for (const st of states) byKey.set(`${EXCHANGE_TYPE[st.instrument.exchSeg]}|${st.instrument.token}`, st);
    const frames = new Map<string, Buffer>();
    for (const [ws, conn] of this.conns) {
      if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      for (const [k, s] of conn.subs) {
        const st = byKey.get(`${s.exchangeType}|${s.token}`);
        if (!st) continue;
        let frame = frames.get(k);
        if (!frame) {
          frame = encodeFrame(s.mode, frameData(st));
          frames.set(k, frame);
        }
        ws.send(frame);
      }
    }
  }
}

const key = (s: Sub): string => `${s.exchangeType}|${s.token}|${s.mode}`;

function parseRequest(msg: unknown): ParsedRequest {
  if (typeof msg !== 'object' || msg === null) return { ok: false, message: 'Invalid Request Payload' };
  const m = msg as { action?: unknown; params?: { mode?: unknown; tokenList?: unknown } };
  if (m.action !== 0 && m.action !== 1)
    return { ok: false, message: 'Invalid Request Payload: action must be 0 or 1' };
  const mode = m.params?.mode;
  if (mode !== 1 && mode !== 2 && mode !== 3)
    return { ok: false, message: 'Invalid Request Payload: mode must be 1, 2 or 3' };
  const list = m.params?.tokenList;
  if (!Array.isArray(list) || list.length === 0)
    return { ok: false, message: 'Invalid Request Payload: tokenList is required' };
  const subs: Sub[] = [];
  for (const entry of list as Array<{ exchangeType?: unknown; tokens?: unknown }>) {
    const et = entry?.exchangeType;
    if (typeof et !== 'number' || !VALID_EXCHANGE_TYPES.has(et))
      return { ok: false, message: 'Invalid Request Payload: exchangeType' };
    if (
      !Array.isArray(entry.tokens) ||
      entry.tokens.some((t) => typeof t !== 'string' || t.length === 0 || t.length > 25)
    ) {
      return { ok: false, message: 'Invalid Request Payload: tokens must be strings' };
    }
    for (const token of entry.tokens as string[]) subs.push({ mode, exchangeType: et, token });
  }
  return { ok: true, action: m.action, subs };
}
