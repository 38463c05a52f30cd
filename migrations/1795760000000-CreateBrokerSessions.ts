import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Encrypted broker session tokens per client code. Matches src/broker/angel-one/session/broker-session.entity.ts. */
export class CreateBrokerSessions1795760000000 implements MigrationInterface {
  name = 'CreateBrokerSessions1795760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "broker_sessions" (
      "client_code" character varying(32) NOT NULL,
      "encrypted_tokens" text NOT NULL,
      "obtained_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_broker_sessions" PRIMARY KEY ("client_code")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "broker_sessions"`);
  }
}
