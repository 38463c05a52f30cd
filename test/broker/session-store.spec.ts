import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { BrokerSessionEntity } from '@/broker/angel-one/session/broker-session.entity';
import { CredentialCipher } from '@/broker/angel-one/session/credential-cipher';
import { TypeOrmSessionStore } from '@/broker/angel-one/session/session-store';
import { createTestDatabase } from '../support/test-db';

describe('TypeOrmSessionStore (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const key = Buffer.alloc(32, 9);
  const session = {
    tokens: {
      jwtToken: 'eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJBMSJ9.sig-secret',
      refreshToken: 'refresh-secret',
      feedToken: 'feed-secret',
    },
    obtainedAt: Date.UTC(2026, 0, 5, 3, 0),
    expiresAt: Date.UTC(2026, 0, 5, 23, 30),
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: [BrokerSessionEntity] });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('stores tokens encrypted and reads them back after a "restart" (a new store on the same table)', async () => {
    await new TypeOrmSessionStore(ds, new CredentialCipher(key)).save('A1', session);
    const [row] = await ds.query(`SELECT * FROM broker_sessions WHERE client_code = 'A1'`);
    for (const secret of Object.values(session.tokens)) expect(JSON.stringify(row)).not.toContain(secret);
    await expect(new TypeOrmSessionStore(ds, new CredentialCipher(key)).load('A1')).resolves.toEqual(session);
  });

  it('overwrites on save, reads nothing under another key, and clears', async () => {
    const store = new TypeOrmSessionStore(ds, new CredentialCipher(key));
    await store.save('A1', { ...session, tokens: { ...session.tokens, feedToken: 'feed-2' } });
    expect((await store.load('A1'))?.tokens.feedToken).toBe('feed-2');
    await expect(
      new TypeOrmSessionStore(ds, new CredentialCipher(Buffer.alloc(32, 1))).load('A1'),
    ).resolves.toBeNull();
    await store.clear('A1');
    await expect(store.load('A1')).resolves.toBeNull();
  });
});
