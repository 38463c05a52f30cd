import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

/** Refuses a WebSocket handshake the way SmartStream does: HTTP 401 with `x-error-message`. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nx-error-message: ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
  socket.destroy();
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** At most `limit` sockets per client code; the caller closes the one that does not fit. */
export class ConnectionCounter {
  private readonly byClient = new Map<string, Set<WebSocket>>();

  constructor(readonly limit: number) {}

  tryAdd(clientCode: string, ws: WebSocket): boolean {
    let set = this.byClient.get(clientCode);
    if (!set) {
      set = new Set();
      this.byClient.set(clientCode, set);
    }
    if (set.size >= this.limit) return false;
    set.add(ws);
    ws.once('close', () => set.delete(ws));
    return true;
  }

  count(): number {
    let n = 0;
    for (const s of this.byClient.values()) n += s.size;
    return n;
  }
}

/** Close code for a connection past the per-client limit (policy violation). */
export const CLOSE_LIMIT = 1008;
export const MAX_CONNECTIONS_PER_CLIENT = 3;
/** A client this far behind is skipped for the tick rather than buffered without bound. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Text of a ws message, whichever of its three buffer shapes it arrived in. */
export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
