/**
 * Programmable faults for reliability tests, set by options, by the handle, or over `POST /sim/faults`.
 * Call faults match a route name (`placeOrder`, `getOrderBook`...) or `*`, and apply to the next
 * `times` calls (or until cleared when `times` is omitted).
 */
export type CallFaultKind =
  /** Answer with an HTTP 5xx; with `afterAccept` the call is processed first (an order does exist). */
  | 'error'
  /** Process the call, then never answer (the client's timeout fires; the order exists). */
  | 'timeout'
  /** Answer the plain-text rate-limit body with HTTP 403. */
  | 'rateLimit'
  /** placeOrder only: acknowledge, then reject the order with `reason` in its `text`. */
  | 'reject';

export interface CallFaultInput {
  route: string;
  kind: CallFaultKind;
  times?: number;
  status?: number;
  afterAccept?: boolean;
  reason?: string;
}

export interface CallFault extends CallFaultInput {
  id: number;
  remaining: number | null;
  hits: number;
}

export interface FaultSnapshot {
  calls: CallFault[];
  feedStalled: boolean;
  orderUpdateDelayMs: number;
  socketsDropped: number;
}

export interface FaultHooks {
  dropSockets(): number;
  stallFeed(stalled: boolean): void;
  feedStalled(): boolean;
}

const KINDS: readonly CallFaultKind[] = ['error', 'timeout', 'rateLimit', 'reject'];

export function parseCallFault(v: unknown): CallFaultInput | string {
  if (typeof v !== 'object' || v === null) return 'fault must be an object';
  const o = v as Record<string, unknown>;
  if (typeof o.route !== 'string' || o.route === '') return 'fault.route must be a route name or *';
  if (!KINDS.includes(o.kind as CallFaultKind)) return `fault.kind must be one of ${KINDS.join(', ')}`;
  if (o.times !== undefined && (!Number.isInteger(o.times) || (o.times as number) < 1))
    return 'fault.times must be a positive integer';
  if (
    o.status !== undefined &&
    (!Number.isInteger(o.status) || (o.status as number) < 500 || (o.status as number) > 599)
  )
    return 'fault.status must be 500-599';
  return {
    route: o.route,
    kind: o.kind as CallFaultKind,
    times: o.times as number | undefined,
    status: o.status as number | undefined,
    afterAccept: o.afterAccept === true,
    reason: typeof o.reason === 'string' ? o.reason : undefined,
  };
}

export class FaultController {
  private readonly calls: CallFault[] = [];
  private nextId = 1;
  private hooks: FaultHooks | null = null;
  private dropped = 0;
  /** Extra delay before each order-update frame is sent. */
  orderUpdateDelayMs = 0;

  constructor(initial: CallFaultInput[] = []) {
    for (const f of initial) this.add(f);
  }

  /** Wired by the simulator once the sockets and the market exist. */
  attach(hooks: FaultHooks): void {
    this.hooks = hooks;
  }

  add(f: CallFaultInput): number {
    const id = this.nextId++;
    this.calls.push({ ...f, id, remaining: f.times ?? null, hits: 0 });
    return id;
  }

  /** Consumes one use of the first fault matching the route (and, if given, one of the kinds). */
  take(route: string, kinds: readonly CallFaultKind[] = KINDS): CallFault | undefined {
    const f = this.calls.find((c) => (c.route === route || c.route === '*') && kinds.includes(c.kind));
    if (!f) return undefined;
    f.hits++;
    if (f.remaining !== null && --f.remaining <= 0) this.calls.splice(this.calls.indexOf(f), 1);
    return f;
  }

  /** Clears call faults, the stall and the delay. */
  clear(): void {
    this.calls.length = 0;
    this.orderUpdateDelayMs = 0;
    this.hooks?.stallFeed(false);
  }

  /** Closes every SmartStream and order-update socket; clients must reconnect. */
  dropSockets(): number {
    const n = this.hooks?.dropSockets() ?? 0;
    this.dropped += n;
    return n;
  }

  stallFeed(stalled = true): void {
    this.hooks?.stallFeed(stalled);
  }

  snapshot(): FaultSnapshot {
    return {
      calls: this.calls.map((c) => ({ ...c })),
      feedStalled: this.hooks?.feedStalled() ?? false,
      orderUpdateDelayMs: this.orderUpdateDelayMs,
      socketsDropped: this.dropped,
    };
  }
}
