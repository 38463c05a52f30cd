import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker's claim as one round trip that also waits for the order's insert to commit.
 *
 * Placement hands the job to the queue while the order's insert is still committing, and the insert
 * holds a transaction-level advisory lock keyed by the order id (`orders_lock_key`). The claim takes
 * the same lock, so it blocks until the insert has committed (or rolled back), and because it is a
 * VOLATILE plpgsql function its UPDATE runs on a fresh snapshot taken after the wait: it sees the
 * committed order. A plain statement could not, its snapshot being taken before the lock wait.
 */
export class OrderClaimFunction1795800000000 implements MigrationInterface {
  name = 'OrderClaimFunction1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION orders_lock_key(p_id uuid) RETURNS bigint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT ('x' || left(replace(p_id::text, '-', ''), 16))::bit(64)::bigint $$`);
    await q.query(`
      CREATE FUNCTION orders_claim(p_id uuid, p_now timestamptz, p_source varchar)
      RETURNS SETOF orders
      LANGUAGE plpgsql VOLATILE
      AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(orders_lock_key(p_id));
        RETURN QUERY
          WITH c AS (
            UPDATE orders SET status = 'SUBMITTING', version = version + 1, updated_at = p_now, submitted_at = p_now
            WHERE id = p_id AND status = 'QUEUED' AND (expires_at IS NULL OR expires_at > p_now)
            RETURNING *
          ), e AS (
            INSERT INTO order_events (order_id, source, type, from_status, to_status)
            SELECT c.id, p_source, 'CLAIM', 'QUEUED', 'SUBMITTING' FROM c
          ), ob AS (
            UPDATE order_outbox SET done_at = p_now WHERE order_id IN (SELECT c.id FROM c)
          )
          SELECT c.* FROM c;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION orders_claim(uuid, timestamptz, varchar)');
    await q.query('DROP FUNCTION orders_lock_key(uuid)');
  }
}
