import type { IncomingHttpHeaders } from 'node:http';
import type { SimContext } from '../context';

export interface RouteRequest {
  /** Parsed JSON body (GETs from the JS SDK carry `{}` or `null`); undefined when empty. */
  body: unknown;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Set on authenticated routes. */
  clientCode: string;
  sid: string;
}

export type RouteOutcome =
  | { kind: 'ok'; data: unknown }
  | { kind: 'error'; errorcode: string; message: string }
  | { kind: 'raw'; status: number; contentType: string; body: string };

export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Rate bucket and fault route name (protocol §7.1 names). */
  name: string;
  /** `jwt`: a SmartAPI secure route; `key`: needs only X-PrivateKey; `none`: simulator admin and files. */
  auth: 'jwt' | 'key' | 'none';
  handler(req: RouteRequest, ctx: SimContext): RouteOutcome;
}

export const ok = (data: unknown): RouteOutcome => ({ kind: 'ok', data });
export const fail = (errorcode: string, message: string): RouteOutcome => ({
  kind: 'error',
  errorcode,
  message,
});
export const json = (status: number, value: unknown): RouteOutcome => ({
  kind: 'raw',
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

/** Body as a plain object; anything else (null, arrays, strings) reads as empty. */
export function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** Reads a field that SmartAPI clients send as a string (or sometimes a number). */
export function str(b: Record<string, unknown>, key: string): string | undefined {
  const v = b[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export const PREFIX = '/rest/secure/angelbroking';

interface Compiled {
  def: RouteDef;
  re: RegExp;
  keys: string[];
}

/** Exact paths with `:param` segments; method mismatches are told apart from unknown paths. */
export class Router {
  private readonly routes: Compiled[] = [];

  add(defs: RouteDef[]): void {
    for (const def of defs) {
      const keys: string[] = [];
      const pattern = def.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      });
      this.routes.push({ def, re: new RegExp(`^${pattern}$`), keys });
    }
  }

  match(method: string, path: string): { def: RouteDef; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.def.method !== method) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { def: r.def, params };
    }
    return pathMatched ? 'method' : null;
  }
}
