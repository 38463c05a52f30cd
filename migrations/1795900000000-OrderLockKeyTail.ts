import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order ids become UUIDv7 (time-ordered, so the order tables' id indexes grow at their right edge
 * instead of dirtying a random page, and a full-page image, on every insert). Two v7 ids made in the
 * same millisecond share their first 64 bits, which `orders_lock_key` used; it now keys the advisory
 * lock on the last 64 bits, random in both v4 and v7 ids. Insert and claim both call the function,
 * so they always agree on the key.
 */
export class OrderLockKeyTail1795900000000 implements MigrationInterface {
  name = 'OrderLockKeyTail1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION orders_lock_key(p_id uuid) RETURNS bigint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT ('x' || right(replace(p_id::text, '-', ''), 16))::bit(64)::bigint $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION orders_lock_key(p_id uuid) RETURNS bigint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT ('x' || left(replace(p_id::text, '-', ''), 16))::bit(64)::bigint $$`);
  }
}
