import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ApiKeysService, API_KEY_PREFIX } from '@/api-keys/api-keys.service';
import { AppConfig } from '@/config/app-config';
import { REDIS, RedisKeys } from '@/redis/redis.module';
import { UsersService } from '@/users/users.service';
import type { AuthUser } from './role.enum';

interface AccessClaims {
  sub: string;
  typ: 'access';
  jti: string;
  exp: number;
}

/**
 * Issues and checks access tokens. Verification pins the configured HMAC algorithm (so `alg: none` and
 * RS/HS confusion fail), and checks issuer, audience, expiry, the token type, that its user is still
 * active, and that it wasn't logged out. Used by the HTTP guard and the WebSocket handshake alike.
 */
@Injectable()
export class AuthTokenService {
  private readonly logger = new Logger(AuthTokenService.name);

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.env.ACCESS_TOKEN_EXPIRE_MINUTES * 60;
  }

  async signAccess(userId: string): Promise<string> {
    return this.jwt.signAsync(
      { typ: 'access' },
      { subject: userId, jwtid: randomUUID(), expiresIn: this.accessTtlSeconds },
    );
  }

  async verifyAccessToken(token: string): Promise<AuthUser | null> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, {
        algorithms: [this.config.env.ALGORITHM],
        issuer: this.config.env.JWT_ISSUER,
        audience: this.config.env.JWT_AUDIENCE,
      });
    } catch {
      return null;
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
    if (await this.isRevoked(claims.jti)) return null;
    const user = await this.users.findActive(claims.sub);
    if (!user) return null;
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      via: 'jwt',
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp * 1000,
    };
  }

  /** For a bearer value that may be a JWT or an API key (bots may send keys as bearer tokens). */
  async verifyAccessTokenOrApiKey(token: string): Promise<AuthUser | null> {
    return token.startsWith(API_KEY_PREFIX) ? this.apiKeys.verify(token) : this.verifyAccessToken(token);
  }

  /** Logout: the access token stops working before its expiry. */
  async revoke(user: AuthUser): Promise<void> {
    if (!user.tokenId || !user.tokenExpiresAt) return;
    const ttl = Math.max(1, Math.ceil((user.tokenExpiresAt - Date.now()) / 1000));
    await this.redis.set(this.keys.key('revoked-jti', user.tokenId), '1', 'EX', ttl);
  }

  private async isRevoked(jti: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.keys.key('revoked-jti', jti))) === 1;
    } catch (err) {
      // Redis down: tokens stay usable until they expire (30 min by default) rather than the API going dark.
      this.logger.warn(`cannot check token revocation: ${(err as Error).message}`);
      return false;
    }
  }
}
