import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { AppConfig } from '@/config/app-config';
import { AppError, ErrorCode } from '@/common/errors';
import { UsersService } from '@/users/users.service';
import { AuthTokenService } from './auth-token.service';
import type { TokenPairDto } from './auth.dto';
import { LoginThrottle } from './login-throttle';
import { RefreshTokenEntity } from './refresh-token.entity';
import type { AuthUser } from './role.enum';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const unauthorized = (message: string) =>
  new AppError(ErrorCode.Unauthorized, message, HttpStatus.UNAUTHORIZED);

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: AuthTokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @InjectRepository(RefreshTokenEntity) private readonly refreshRepo: Repository<RefreshTokenEntity>,
  ) {}

  async login(username: string, password: string, ip: string): Promise<TokenPairDto> {
    const wait = await this.throttle.hit(username, ip);
    if (wait > 0) {
      await this.audit.record({ action: 'auth.login.throttled', target: username.toLowerCase(), ip });
      throw new AppError(
        ErrorCode.TooManyRequests,
        `too many login attempts; try again in ${wait} s`,
        HttpStatus.TOO_MANY_REQUESTS,
        { retryAfterSeconds: wait },
      );
    }
    const user = await this.users.verifyPassword(username, password);
    if (!user || user.disabled) {
      await this.throttle.recordFailure(ip);
      await this.audit.record({
        action: 'auth.login.failure',
        target: username.toLowerCase(),
        ip,
        details: { reason: user ? 'disabled' : 'bad credentials' },
      });
      throw unauthorized('invalid username or password');
    }
    await this.throttle.reset(username);
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: 'auth.login.success',
      target: user.id,
      ip,
    });
    return this.issue(user.id, randomUUID());
  }

  /** Rotates a refresh token. Presenting one that was already rotated or revoked revokes its whole family. */
  async refresh(presented: string, ip: string): Promise<TokenPairDto> {
    const [id, secret] = presented.split('.');
    const row =
      id && secret && /^[0-9a-f-]{36}$/i.test(id) ? await this.refreshRepo.findOne({ where: { id } }) : null;
    if (!row || !safeEqual(row.tokenHash, sha256(secret))) throw unauthorized('invalid refresh token');
    if (row.replacedAt || row.revokedAt) {
      await this.revokeFamily(row.familyId);
      await this.audit.record({
        actorId: row.userId,
        action: 'auth.refresh.reuse_detected',
        target: row.familyId,
        ip,
      });
      throw unauthorized('refresh token was already used; every session from that login has been revoked');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw unauthorized('refresh token expired');
    const user = await this.users.findActive(row.userId);
    if (!user) throw unauthorized('user is disabled');
    // Conditional update: of two concurrent refreshes with the same token only one wins.
    const res = await this.refreshRepo.update(
      { id: row.id, replacedAt: IsNull(), revokedAt: IsNull() },
      { replacedAt: new Date() },
    );
    if (!res.affected) {
      await this.revokeFamily(row.familyId);
      throw unauthorized('refresh token was already used; every session from that login has been revoked');
    }
    return this.issue(user.id, row.familyId);
  }

  async logout(user: AuthUser, refreshToken: string | undefined): Promise<void> {
    await this.tokens.revoke(user);
    if (refreshToken) {
      const [id] = refreshToken.split('.');
      const row = /^[0-9a-f-]{36}$/i.test(id ?? '')
        ? await this.refreshRepo.findOne({ where: { id } })
        : null;
      if (row && row.userId === user.id) await this.revokeFamily(row.familyId);
    }
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: 'auth.logout',
      target: user.id,
    });
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.refreshRepo.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.refreshRepo.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async issue(userId: string, familyId: string): Promise<TokenPairDto> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.refreshRepo.insert({
      id,
      userId,
      familyId,
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.env.REFRESH_TOKEN_EXPIRE_DAYS * 86_400_000),
    });
    return {
      accessToken: await this.tokens.signAccess(userId),
      refreshToken: `${id}.${secret}`,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtlSeconds,
    };
  }
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
