import { isExactRupees, paiseToRupees, rupeesToPaise } from '@/common/money';
import type { SimContext } from '../context';
import type { GttRule } from '../matching/gtt';
import { PRODUCT_TYPES, SIDES } from '../matching/types';
import { fail, obj, ok, PREFIX, str, type RouteDef, type RouteOutcome } from './router';

/** GTT rules (protocol §2.5). JS uses the plain prefix, PY a `/gtt-service` one; both are served. */
export function gttRoutes(): RouteDef[] {
  const defs: Array<[string, string, RouteDef['handler']]> = [
    ['createRule', 'gttCreate', ({ body, clientCode }, ctx) => create(ctx, clientCode, obj(body))],
    ['modifyRule', 'gttModify', ({ body, clientCode }, ctx) => modify(ctx, clientCode, obj(body))],
    [
      'cancelRule',
      'gttCancel',
      ({ body, clientCode }, ctx) =>
        withRule(ctx, clientCode, obj(body), (r) => (ctx.gtt.cancel(r), ok({ id: r.id }))),
    ],
    [
      'ruleDetails',
      'gttDetails',
      ({ body, clientCode }, ctx) => withRule(ctx, clientCode, obj(body), (r) => ok(details(ctx, r))),
    ],
    ['ruleList', 'gttList', ({ body, clientCode }, ctx) => list(ctx, clientCode, obj(body))],
  ];
  return ['', '/gtt-service'].flatMap((prefix) =>
    defs.map(([route, name, handler]): RouteDef => ({
      method: 'POST',
      path: `${prefix}${PREFIX}/gtt/v1/${route}`,
      name,
      auth: 'jwt',
      handler,
    })),
  );
}

function money(b: Record<string, unknown>, key: string): number | null {
  const v = str(b, key);
  if (v === undefined || !isExactRupees(v)) return null;
  return rupeesToPaise(v);
}

function create(ctx: SimContext, clientCode: string, b: Record<string, unknown>): RouteOutcome {
  const exchange = str(b, 'exchange') ?? '';
  const instrument = ctx.instruments.get(str(b, 'symboltoken') ?? '', exchange);
  if (!instrument || instrument.isIndex) return fail('AB1018', 'Failed to get symbol details');
  const producttype = PRODUCT_TYPES.find((p) => p === str(b, 'producttype'));
  if (!producttype) return fail('AB1012', 'Invalid Product Type');
  const transactiontype = SIDES.find((s) => s === str(b, 'transactiontype'));
  const price = money(b, 'price');
  const trigger = money(b, 'triggerprice');
  const qty = Number(str(b, 'qty'));
  if (
    !transactiontype ||
    price === null ||
    trigger === null ||
    price <= 0 ||
    trigger <= 0 ||
    !Number.isInteger(qty) ||
    qty <= 0
  ) {
    return fail('AB2000', 'Invalid GTT rule: transactiontype, price, triggerprice and qty are required');
  }
  if (qty % instrument.lotSize !== 0)
    return fail('AB2000', `Quantity should be a multiple of the lot size ${instrument.lotSize}`);
  const rule = ctx.gtt.create({
    clientCode,
    instrument,
    exchange,
    producttype,
    transactiontype,
    pricePaise: price,
    triggerPaise: trigger,
    qty,
    disclosedqty: Number(str(b, 'disclosedqty') ?? 0) || 0,
    timeperiodDays: Number(str(b, 'timeperiod') ?? 365) || 365,
  });
  return ok({ id: rule.id });
}

function withRule(
  ctx: SimContext,
  clientCode: string,
  b: Record<string, unknown>,
  fn: (r: GttRule) => RouteOutcome,
): RouteOutcome {
  const rule = ctx.gtt.get(clientCode, Number(str(b, 'id')));
  return rule ? fn(rule) : fail('AB2000', 'GTT rule not found');
}

function modify(ctx: SimContext, clientCode: string, b: Record<string, unknown>): RouteOutcome {
  return withRule(ctx, clientCode, b, (rule) => {
    if (rule.status !== 'ACTIVE' && rule.status !== 'NEW')
      return fail('AB2000', `GTT rule cannot be modified in status ${rule.status}`);
    const price = b.price === undefined ? rule.pricePaise : money(b, 'price');
    const trigger = b.triggerprice === undefined ? rule.triggerPaise : money(b, 'triggerprice');
    const qty = b.qty === undefined ? rule.qty : Number(str(b, 'qty'));
    if (
      price === null ||
      trigger === null ||
      !Number.isInteger(qty) ||
      qty <= 0 ||
      qty % rule.instrument.lotSize !== 0
    )
      return fail('AB2000', 'Invalid GTT rule');
    ctx.gtt.modify(rule, {
      pricePaise: price,
      triggerPaise: trigger,
      qty,
      disclosedqty: b.disclosedqty === undefined ? rule.disclosedqty : Number(str(b, 'disclosedqty')) || 0,
      timeperiodDays:
        b.timeperiod === undefined
          ? rule.timeperiodDays
          : Number(str(b, 'timeperiod')) || rule.timeperiodDays,
    });
    return ok({ id: rule.id });
  });
}

function list(ctx: SimContext, clientCode: string, b: Record<string, unknown>): RouteOutcome {
  if (!Array.isArray(b.status)) return fail('AB2000', 'status must be an array');
  const page = Number(b.page ?? 1);
  const count = Number(b.count ?? 10);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(count) || count < 1)
    return fail('AB2000', 'page and count must be positive integers');
  const statuses = b.status.map(String);
  return ok(ctx.gtt.list(clientCode, statuses, page, count).map((r) => ({ id: r.id, ...details(ctx, r) })));
}

function details(ctx: SimContext, r: GttRule): Record<string, unknown> {
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    status: r.status,
    createddate: iso(r.createdAt),
    updateddate: iso(r.updatedAt),
    expirydate: iso(ctx.gtt.expiryMs(r)),
    clientid: r.clientCode,
    tradingsymbol: r.instrument.symbol,
    symboltoken: r.instrument.token,
    exchange: r.exchange,
    transactiontype: r.transactiontype,
    producttype: r.producttype,
    price: paiseToRupees(r.pricePaise),
    qty: String(r.qty),
    triggerprice: paiseToRupees(r.triggerPaise),
    disclosedqty: String(r.disclosedqty),
  };
}
