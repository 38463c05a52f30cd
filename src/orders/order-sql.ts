import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Single-statement writes for the placement hot path: one round trip instead of a transaction of five,
 * with the same all-or-nothing effect (a statement with data-modifying CTEs is atomic).
 */

/** Maps a raw `RETURNING *` row onto an entity, applying column transformers (bigint paise). */
export function rowToEntity<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const meta = ds.getMetadata(target);
  const e = meta.create() as Record<string, unknown>;
  for (const c of meta.columns) {
    const raw = row[c.databaseName];
    const t = c.transformer && !Array.isArray(c.transformer) ? c.transformer : undefined;
    e[c.propertyName] = t ? t.from(raw) : raw;
  }
  return e as T;
}

/** Column names, SQL types and values of the defined properties of a partial entity, in metadata order. */
export function insertParts<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  values: Partial<T>,
): { columns: string[]; types: string[]; params: unknown[] } {
  const columns: string[] = [];
  const types: string[] = [];
  const params: unknown[] = [];
  for (const c of ds.getMetadata(target).columns) {
    const v = (values as Record<string, unknown>)[c.propertyName];
    if (v === undefined) continue;
    columns.push(`"${c.databaseName}"`);
    types.push(ds.driver.normalizeType({ type: c.type, length: c.length }));
    params.push(v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
  }
  return { columns, types, params };
}

/**
 * Order + its first events + its outbox row; no row back means (user, clientOrderId) already existed.
 * The statement also takes the order's advisory lock (`$n+3` is the order id, keyed by the SQL function
 * `orders_lock_key`) and holds it until it commits, so a worker whose job outran the commit waits for
 * it inside `orders_claim` instead of finding nothing.
 */
export function insertOrderSql(columns: string[], types: string[]): string {
  const n = columns.length;
  // INSERT ... SELECT FROM l: the lock is taken before the row exists (typed parameters, as VALUES would infer).
  const values = columns.map((_, i) => `$${i + 1}::${types[i]}`).join(', ');
  return `WITH l AS (
      SELECT pg_advisory_xact_lock(orders_lock_key($${n + 3}::uuid)) AS locked
    ), o AS (
      INSERT INTO orders (${columns.join(', ')}) SELECT ${values} FROM l
      ON CONFLICT (user_id, client_order_id) DO NOTHING RETURNING *
    ), e AS (
      INSERT INTO order_events (order_id, source, type, from_status, to_status, details)
      SELECT o.id, x.j->>'source', x.j->>'type', x.j->>'from_status', x.j->>'to_status', NULLIF(x.j->'details', 'null'::jsonb)
      FROM o CROSS JOIN jsonb_array_elements($${n + 1}::jsonb) WITH ORDINALITY AS x(j, ord)
      ORDER BY x.ord
    ), ob AS (
      INSERT INTO order_outbox (order_id, job_id) SELECT o.id, $${n + 2}::varchar FROM o WHERE $${n + 2}::varchar IS NOT NULL
    )
    SELECT * FROM o`;
}

/**
 * QUEUED -> SUBMITTING with its event and the outbox row closed, only if still QUEUED and unexpired;
 * waits first for a still-committing insert of the order (migration OrderClaimFunction).
 */
export const CLAIM_SQL = 'SELECT * FROM orders_claim($1, $2, $3)';

/**
 * The broker's acceptance of a just-sent order, SUBMITTING -> OPEN | TRIGGER_PENDING, with its event,
 * in one statement; no row back when the order already moved on (an update raced the ACK: use `apply`).
 */
export const ACK_SQL = `WITH a AS (
    UPDATE orders SET status = $2, broker_order_id = $3, version = version + 1, updated_at = $4
    WHERE id = $1 AND status = 'SUBMITTING' RETURNING *
  ), e AS (
    INSERT INTO order_events (order_id, source, type, from_status, to_status, details)
    SELECT a.id, 'BROKER', 'ACK', 'SUBMITTING', $2, $5::jsonb FROM a
  )
  SELECT * FROM a`;
