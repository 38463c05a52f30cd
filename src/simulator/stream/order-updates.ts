import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SimContext } from '../context';
import { emptyOrderUpdateData, orderUpdateData } from '../http/wire';
import type { OrderEvent } from '../matching/types';
import {
  CLOSE_LIMIT,
  ConnectionCounter,
  MAX_BUFFERED_BYTES,
  MAX_CONNECTIONS_PER_CLIENT,
  header,
  rawText,
  refuseUpgrade,
} from './ws-common';

/**
 * `order-status` codes. AB00/AB02/AB03/AB05 are confirmed; AB01/AB04/AB10 come from the unconfirmed
 * list of protocol §5, used here for the states that list names.
 */
export function orderStatusCode(e: OrderEvent): string {
  switch (e.kind) {
    case 'rejected':
      return 'AB03';
    case 'cancelled':
      return 'AB02';
    case 'complete':
      return 'AB05';
    case 'modified':
      return e.order.status === 'trigger pending' ? 'AB10' : 'AB04';
    case 'placed':
      return e.order.status === 'trigger pending' ? 'AB10' : 'AB01';
    case 'triggered':
    case 'fill':
      return 'AB01';
  }
}

/** The order-status WebSocket at `/smart-order-update` (protocol §5). */
export class OrderUpdateServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly sockets = new Map<WebSocket, string>();
  private readonly counter = new ConnectionCounter(MAX_CONNECTIONS_PER_CLIENT);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: SimContext) {
    ctx.engine.onOrderEvent((e) => this.publish(e));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const jwt = this.ctx.sessions.verify(header(req, 'authorization'), 'access');
    if (!jwt.ok) return refuseUpgrade(socket, 401, 'Invalid Auth token');
    const apiKey = header(req, 'x-api-key');
    if (apiKey !== undefined && apiKey !== this.ctx.options.apiKey)
      return refuseUpgrade(socket, 401, 'Invalid API Key');
    const clientCode = jwt.clientCode;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!this.counter.tryAdd(clientCode, ws)) {
        ws.close(CLOSE_LIMIT, 'Connection limit exceeded');
        return;
      }
      this.sockets.set(ws, clientCode);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (!isBinary && rawText(data) === 'ping') ws.send('pong');
      });
      ws.send(JSON.stringify(frame(clientCode, 'AB00', emptyOrderUpdateData())));
    });
  }

  dropAll(): number {
    const n = this.sockets.size;
    for (const ws of this.sockets.keys()) ws.terminate();
    return n;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dropAll();
    this.wss.close();
  }

  private publish(e: OrderEvent): void {
    const clientCode = e.order.clientCode;
    // Serialise now: the order keeps changing, and a delayed frame must show the state it announces.
    const text = JSON.stringify(frame(clientCode, orderStatusCode(e), orderUpdateData(e.order)));
    const deliver = (): void => {
      for (const [ws, code] of this.sockets) {
        if (code === clientCode && ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_BYTES)
          ws.send(text);
      }
    };
    const delay = this.ctx.faults.orderUpdateDelayMs;
    if (delay <= 0) return deliver();
    const t = setTimeout(() => {
      this.timers.delete(t);
      deliver();
    }, delay);
    this.timers.add(t);
  }
}

function frame(
  clientCode: string,
  status: string,
  orderData: Record<string, unknown>,
): Record<string, unknown> {
  return {
    'user-id': clientCode,
    'status-code': '200',
    'order-status': status,
    'error-message': '',
    orderData,
  };
}
