import type { IncomingMessage } from 'node:http';
import * as WsModule from 'ws';
import type { WebSocket } from 'ws';
import type { HubSocket } from './fanout-hub';

/** Bearer value from the Authorization header, or the `token` query parameter for browsers. */
export function extractToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.trim()) return h.replace(/^Bearer\s+/i, '').trim();
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return q && q.trim() ? q.trim() : null;
}

interface WsInternals {
  _socket?: { write(b: Buffer): boolean; cork(): void; uncork(): void };
  _sender?: { _state: number; _queue: unknown[] };
}

const Sender = (WsModule as unknown as { Sender: { frame(data: Buffer, o: object): Buffer[] } }).Sender;
const TEXT_FRAME = { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false };

/** A server-to-client text frame: unmasked, so the same bytes are valid for every client. */
export function encodeTextFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text), TEXT_FRAME);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * A ws socket as the hub sees it. Prepared frames are written straight to the TCP socket, which is
 * only sound while ws's sender has nothing queued: it queues only while compressing or reading a Blob,
 * and this server neither negotiates permessage-deflate nor sends Blobs; otherwise it falls back to
 * `ws.send`. Corking turns one flush's frames to a client into one socket write.
 */
export function socketForHub(ws: WebSocket): HubSocket {
  const opts = { binary: false, compress: false, fin: true };
  const inner = ws as unknown as WsInternals;
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data: string) => ws.send(data, opts),
    sendPrepared: (wire: Buffer) => {
      const sender = inner._sender;
      if (
        ws.readyState !== ws.OPEN ||
        !inner._socket ||
        (sender && (sender._state !== 0 || sender._queue.length > 0))
      )
        return false;
      inner._socket.write(wire);
      return true;
    },
    cork: () => inner._socket?.cork(),
    uncork: () => inner._socket?.uncork(),
  };
}
