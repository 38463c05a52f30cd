import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimContext } from '../context';
import { SessionStore } from '../auth';
import { RATE_LIMIT_BODY } from '../rate-limits';
import { Router, obj, type RouteDef, type RouteOutcome } from './router';

const MAX_BODY = 1_048_576;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The SmartAPI gateway in front of the routes: method and path, JSON body (also on GETs), the
 * api key, per-client-code rate buckets, faults, JWT auth, then the SmartAPI envelopes.
 */
export class SimHttpServer {
  readonly server: Server;
  private readonly router = new Router();
  private readonly upgrades = new Map<string, UpgradeHandler>();
  /** Responses a `timeout` fault swallowed; destroyed on close. */
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly ctx: SimContext) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://sim').pathname;
      const h = this.upgrades.get(path);
      if (h) return h(req, socket, head);
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  routes(defs: RouteDef[]): void {
    this.router.add(defs);
  }

  upgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  /** Stops answering: swallowed responses are destroyed so client sockets close too. */
  close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(res, 413, 'text/plain', 'Request entity too large');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!res.headersSent) this.dispatch(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const found = this.router.match(req.method ?? 'GET', url.pathname);
    if (found === null)
      return sendJson(res, 404, { status: false, message: 'Not Found', errorcode: 'AB2000', data: null });
    if (found === 'method')
      return sendJson(res, 405, {
        status: false,
        message: 'Method Not Allowed',
        errorcode: 'AB2000',
        data: null,
      });
    const { def, params } = found;

    let body: unknown = undefined;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (def.method !== 'GET')
          return sendJson(res, 400, {
            status: false,
            message: 'Invalid request body',
            errorcode: 'AB2000',
            data: null,
          });
      }
    }
    if (def.auth === 'none')
      return this.finish(
        res,
        def.handler(
          { body, params, query: url.searchParams, headers: req.headers, clientCode: '', sid: '' },
          this.ctx,
        ),
      );

    const { options, faults, sessions } = this.ctx;
    if (req.headers['x-privatekey'] !== options.apiKey) {
      // The gateway's envelope; the exact code for a wrong key is not documented (protocol §1.3).
      return sendJson(res, 200, {
        success: false,
        message: 'Invalid API Key',
        errorCode: 'AG8004',
        data: '',
      });
    }
    const auth = req.headers.authorization;
    const bucketKey =
      SessionStore.peekClientCode(auth) ??
      str(obj(body).clientcode) ??
      `ip:${req.socket.remoteAddress ?? ''}`;
    if (options.rateLimits && !this.ctx.rateLimiter.take(bucketKey, def.name))
      return send(res, 403, 'text/plain', RATE_LIMIT_BODY);

    const fault = faults.take(def.name, ['error', 'timeout', 'rateLimit']);
    if (fault?.kind === 'rateLimit') return send(res, 403, 'text/plain', RATE_LIMIT_BODY);
    if (fault?.kind === 'error' && !fault.afterAccept) return sendFault(res, fault.status);

    let clientCode = '';
    let sid = '';
    if (def.auth === 'jwt') {
      const check = sessions.verify(auth, 'access');
      if (!check.ok) {
        const missing = check.reason === 'missing';
        return sendJson(res, 200, {
          success: false,
          message: missing ? 'Token missing' : 'Invalid Token',
          errorCode: missing ? 'AG8003' : 'AG8001',
          data: '',
        });
      }
      clientCode = check.clientCode;
      sid = check.sid;
    }
    const outcome = def.handler(
      { body, params, query: url.searchParams, headers: req.headers, clientCode, sid },
      this.ctx,
    );
    if (fault?.kind === 'timeout') {
      // The call took effect; the answer never comes.
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === 'error') return sendFault(res, fault.status);
    this.finish(res, outcome);
  }

  private finish(res: ServerResponse, o: RouteOutcome): void {
    switch (o.kind) {
      case 'ok':
        return sendJson(res, 200, { status: true, message: 'SUCCESS', errorcode: '', data: o.data });
      case 'error':
        return sendJson(res, 200, { status: false, message: o.message, errorcode: o.errorcode, data: null });
      case 'raw':
        return send(res, o.status, o.contentType, o.body);
    }
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function sendFault(res: ServerResponse, status = 503): void {
  sendJson(res, status, {
    status: false,
    message: 'Internal Error, Please try after sometime',
    errorcode: 'AB2001',
    data: null,
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
