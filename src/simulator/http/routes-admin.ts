import { rupeesToPaise } from '@/common/money';
import type { SimContext } from '../context';
import { parseCallFault } from '../faults';
import { json, obj, str, type RouteDef } from './router';

/** Simulator-only control routes (no SmartAPI equivalent); the simulator binds loopback by default. */
export function adminRoutes(extraState: () => Record<string, unknown>): RouteDef[] {
  const state = (ctx: SimContext): Record<string, unknown> => ({
    market: {
      steps: ctx.market.stepCount,
      paused: ctx.market.isPaused,
      open: ctx.market.isOpen(),
      instruments: ctx.instruments.all.length,
    },
    faults: ctx.faults.snapshot(),
    orders: ctx.engine.allOrders().length,
    sessions: ctx.sessions.liveSessions,
    orderTags: ctx.orderTagLog.length,
    ...extraState(),
  });
  return [
    {
      method: 'GET',
      path: '/sim/state',
      name: 'admin',
      auth: 'none',
      handler: (_r, ctx) => json(200, state(ctx)),
    },
    {
      method: 'POST',
      path: '/sim/faults',
      name: 'admin',
      auth: 'none',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const rules = b.faults === undefined ? [] : Array.isArray(b.faults) ? b.faults : [b.faults];
        const parsed = rules.map(parseCallFault);
        const problem = parsed.find((p) => typeof p === 'string');
        if (problem !== undefined) return json(400, { error: problem });
        if (
          b.orderUpdateDelayMs !== undefined &&
          (!Number.isInteger(b.orderUpdateDelayMs) || (b.orderUpdateDelayMs as number) < 0)
        ) {
          return json(400, { error: 'orderUpdateDelayMs must be a non-negative integer' });
        }
        if (b.clear === true) ctx.faults.clear();
        for (const p of parsed) if (typeof p !== 'string') ctx.faults.add(p);
        if (typeof b.stallFeed === 'boolean') ctx.faults.stallFeed(b.stallFeed);
        if (typeof b.orderUpdateDelayMs === 'number') ctx.faults.orderUpdateDelayMs = b.orderUpdateDelayMs;
        if (b.dropSockets === true) ctx.faults.dropSockets();
        return json(200, state(ctx));
      },
    },
    {
      method: 'DELETE',
      path: '/sim/faults',
      name: 'admin',
      auth: 'none',
      handler: (_r, ctx) => {
        ctx.faults.clear();
        return json(200, state(ctx));
      },
    },
    {
      method: 'POST',
      path: '/sim/market',
      name: 'admin',
      auth: 'none',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const token = str(b, 'token');
        const price = str(b, 'price');
        if (token !== undefined && price !== undefined) {
          if (!ctx.market.state(token)) return json(404, { error: `unknown token ${token}` });
          try {
            ctx.market.setPrice(token, rupeesToPaise(price));
          } catch {
            return json(400, { error: 'price must be rupees, e.g. "812.35"' });
          }
        }
        if (typeof b.paused === 'boolean') ctx.faults.stallFeed(b.paused);
        return json(200, state(ctx));
      },
    },
  ];
}
