import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per broker client code: the live session's tokens, encrypted (AES-256-GCM), so a restart reuses them. */
@Entity('broker_sessions')
export class BrokerSessionEntity {
  @PrimaryColumn({
    name: 'client_code',
    type: 'varchar',
    length: 32,
    primaryKeyConstraintName: 'PK_broker_sessions',
  })
  clientCode!: string;

  /** CredentialCipher blob of `{jwtToken, refreshToken, feedToken}`; never plaintext. */
  @Column({ name: 'encrypted_tokens', type: 'text' })
  encryptedTokens!: string;

  @Column({ name: 'obtained_at', type: 'timestamptz' })
  obtainedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
