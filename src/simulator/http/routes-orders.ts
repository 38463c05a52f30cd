import type { SimContext } from '../context';
import { PRODUCT_TYPES, SIDES } from '../matching/types';
import { parseModify, parsePlace } from './parse-order';
import { fail, obj, ok, PREFIX, str, type RouteDef } from './router';
import { holdingRow, orderRow, positionRow, tradeRow } from './wire';

const ORDER = `${PREFIX}/order/v1`;
const PORTFOLIO = `${PREFIX}/portfolio/v1`;

const ltpOf = (ctx: SimContext, token: string): number => ctx.market.state(token)?.ltp ?? 0;

/** Orders, books, positions, holdings and conversion (protocol §2.1-§2.6). */
export function orderRoutes(): RouteDef[] {
  return [
    {
      method: 'POST',
      path: `${ORDER}/placeOrder`,
      name: 'placeOrder',
      auth: 'jwt',
      handler: ({ body, clientCode }, ctx) => {
        const b = obj(body);
        const entry = {
          at: ctx.clock.now(),
          clientCode,
          ordertag: str(b, 'ordertag') ?? '',
          orderid: null as string | null,
        };
        ctx.orderTagLog.push(entry);
        const parsed = parsePlace(b);
        if (!parsed.ok) return fail(parsed.errorcode, parsed.message);
        const forced = ctx.faults.take('placeOrder', ['reject']);
        const offTick = parsed.offTick ? 'Price is not a multiple of the tick size' : undefined;
        const order = ctx.engine.place(
          clientCode,
          parsed.value,
          forced ? (forced.reason ?? 'Order rejected by the simulator (fault injection)') : offTick,
        );
        entry.orderid = order.orderid;
        return ok({
          script: order.tradingsymbol,
          orderid: order.orderid,
          uniqueorderid: order.uniqueorderid,
        });
      },
    },
    {
      method: 'POST',
      path: `${ORDER}/modifyOrder`,
      name: 'modifyOrder',
      auth: 'jwt',
      handler: ({ body, clientCode }, ctx) => {
        const parsed = parseModify(obj(body));
        if (!parsed.ok) return fail(parsed.errorcode, parsed.message);
        const out = ctx.engine.modify(clientCode, parsed.value);
        return out.ok
          ? ok({ orderid: out.value.orderid, uniqueorderid: out.value.uniqueorderid })
          : fail(out.errorcode, out.message);
      },
    },
    {
      method: 'POST',
      path: `${ORDER}/cancelOrder`,
      name: 'cancelOrder',
      auth: 'jwt',
      handler: ({ body, clientCode }, ctx) => {
        const out = ctx.engine.cancel(clientCode, str(obj(body), 'orderid') ?? '');
        return out.ok
          ? ok({ orderid: out.value.orderid, uniqueorderid: out.value.uniqueorderid })
          : fail(out.errorcode, out.message);
      },
    },
    {
      method: 'GET',
      path: `${ORDER}/getOrderBook`,
      name: 'getOrderBook',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => ok(ctx.engine.ordersOf(clientCode).map(orderRow)),
    },
    {
      method: 'GET',
      path: `${ORDER}/getTradeBook`,
      name: 'getTradeBook',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => ok(ctx.engine.tradesOf(clientCode).map(tradeRow)),
    },
    {
      method: 'GET',
      path: `${ORDER}/details/:id`,
      name: 'orderDetails',
      auth: 'jwt',
      handler: ({ params, clientCode }, ctx) => {
        const o = ctx.engine.find(clientCode, params.id);
        return o ? ok(orderRow(o)) : fail('AB1013', 'Order not found');
      },
    },
    {
      method: 'GET',
      path: `${ORDER}/getPosition`,
      name: 'getPosition',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => {
        const rows = [...ctx.engine.account(clientCode).positions.values()].map((p) =>
          positionRow(p, ltpOf(ctx, p.instrument.token)),
        );
        return ok(rows);
      },
    },
    {
      method: 'POST',
      path: `${ORDER}/convertPosition`,
      name: 'convertPosition',
      auth: 'jwt',
      handler: ({ body, clientCode }, ctx) => {
        const b = obj(body);
        const exchange = str(b, 'exchange') ?? '';
        const token = str(b, 'symboltoken');
        const i = token
          ? ctx.instruments.get(token, exchange)
          : ctx.instruments.bySymbol(exchange, str(b, 'tradingsymbol') ?? '');
        const from = PRODUCT_TYPES.find((p) => p === str(b, 'oldproducttype'));
        const to = PRODUCT_TYPES.find((p) => p === str(b, 'newproducttype'));
        const side = SIDES.find((s) => s === str(b, 'transactiontype'));
        const qty = Number(str(b, 'quantity'));
        if (!i) return fail('AB1018', 'Failed to get symbol details');
        if (!from || !to) return fail('AB1012', 'Invalid Product Type');
        if (!side || !Number.isInteger(qty)) return fail('AB1017', 'Position conversion failed');
        return ctx.engine.account(clientCode).convert(i, from, to, side, qty)
          ? ok(null)
          : fail('AB1017', 'Position conversion failed');
      },
    },
    {
      method: 'GET',
      path: `${PORTFOLIO}/getHolding`,
      name: 'getHolding',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => ok(holdings(ctx, clientCode)),
    },
    {
      method: 'GET',
      path: `${PORTFOLIO}/getAllHolding`,
      name: 'getAllHolding',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => {
        const rows = holdings(ctx, clientCode);
        let value = 0;
        let invested = 0;
        for (const h of ctx.engine.account(clientCode).holdings.values()) {
          value += (h.quantity + h.t1Quantity) * ltpOf(ctx, h.instrument.token);
          invested += h.costPaise;
        }
        const pnl = value - invested;
        return ok({
          holdings: rows,
          totalholding: {
            totalholdingvalue: value / 100,
            totalinvvalue: invested / 100,
            totalprofitandloss: pnl / 100,
            totalpnlpercentage: invested > 0 ? Math.round((pnl / invested) * 10000) / 100 : 0,
          },
        });
      },
    },
  ];
}

function holdings(ctx: SimContext, clientCode: string): Record<string, unknown>[] {
  return [...ctx.engine.account(clientCode).holdings.values()].map((h) => {
    const st = ctx.market.state(h.instrument.token);
    return holdingRow(h, st?.ltp ?? 0, st?.prevClose ?? 0);
  });
}
