import type { DataSource } from 'typeorm';
import { BrokerSessionEntity } from './broker-session.entity';
import type { CredentialCipher } from './credential-cipher';

export interface SessionTokens {
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
}

export interface StoredSession {
  tokens: SessionTokens;
  obtainedAt: number;
  expiresAt: number;
}

/** Where the live session survives restarts. */
export interface SessionStore {
  load(clientCode: string): Promise<StoredSession | null>;
  save(clientCode: string, s: StoredSession): Promise<void>;
  clear(clientCode: string): Promise<void>;
}

export class MemorySessionStore implements SessionStore {
  private readonly rows = new Map<string, StoredSession>();
  async load(clientCode: string) {
    return this.rows.get(clientCode) ?? null;
  }
  async save(clientCode: string, s: StoredSession) {
    this.rows.set(clientCode, s);
  }
  async clear(clientCode: string) {
    this.rows.delete(clientCode);
  }
}

/** `broker_sessions` rows, tokens encrypted under CREDENTIALS_ENCRYPTION_KEY. */
export class TypeOrmSessionStore implements SessionStore {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: CredentialCipher,
  ) {}

  async load(clientCode: string): Promise<StoredSession | null> {
    const row = await this.db.getRepository(BrokerSessionEntity).findOneBy({ clientCode });
    if (!row) return null;
    const plain = this.cipher.decrypt(row.encryptedTokens, clientCode);
    if (!plain) return null; // key rotated or row tampered with: log in afresh
    try {
      const t = JSON.parse(plain) as SessionTokens;
      if (!t.jwtToken || !t.refreshToken || !t.feedToken) return null;
      return { tokens: t, obtainedAt: row.obtainedAt.getTime(), expiresAt: row.expiresAt.getTime() };
    } catch {
      return null;
    }
  }

  async save(clientCode: string, s: StoredSession): Promise<void> {
    await this.db.getRepository(BrokerSessionEntity).save({
      clientCode,
      encryptedTokens: this.cipher.encrypt(JSON.stringify(s.tokens), clientCode),
      obtainedAt: new Date(s.obtainedAt),
      expiresAt: new Date(s.expiresAt),
      updatedAt: new Date(),
    });
  }

  async clear(clientCode: string): Promise<void> {
    await this.db.getRepository(BrokerSessionEntity).delete({ clientCode });
  }
}
