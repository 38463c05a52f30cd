import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { lowerRole, Role, roleAtLeast, type AuthUser } from '@/auth/role.enum';
import { AppError, ErrorCode, NotFoundError } from '@/common/errors';
import { UsersService } from '@/users/users.service';
import { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';

export const API_KEY_PREFIX = 'tbk_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class ApiKeysService {
  private lastUsedWrites = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AuthUser, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const role = dto.role ?? actor.role;
    if (!roleAtLeast(actor.role, role)) {
      throw new AppError(
        ErrorCode.Forbidden,
        `a ${actor.role} cannot create a key with the ${role} role`,
        403,
        { field: 'role' },
      );
    }
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.repo.save(
      this.repo.create({
        userId: actor.id,
        name: dto.name,
        prefix: key.slice(0, 12),
        keyHash: hashApiKey(key),
        role,
        expiresAt: dto.expiresInDays ? new Date(Date.now() + dto.expiresInDays * 86_400_000) : null,
      }),
    );
    await this.audit.record({
      actorId: actor.id,
      actorName: actor.username,
      action: 'api_key.create',
      target: row.id,
      details: { name: dto.name, role },
    });
    return { ...toDto(row), key };
  }

  /** Admins see every key; others their own. */
  async list(actor: AuthUser): Promise<ApiKeyDto[]> {
    const where =
      actor.role === Role.Admin ? { revokedAt: IsNull() } : { userId: actor.id, revokedAt: IsNull() };
    return (await this.repo.find({ where, order: { createdAt: 'ASC' } })).map(toDto);
  }

  async revoke(actor: AuthUser, id: string): Promise<void> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.repo.findOne({ where: { id, revokedAt: IsNull() } })
      : null;
    if (!row || (row.userId !== actor.id && actor.role !== Role.Admin))
      throw new NotFoundError('API key', id);
    row.revokedAt = new Date();
    await this.repo.save(row);
    await this.audit.record({
      actorId: actor.id,
      actorName: actor.username,
      action: 'api_key.revoke',
      target: id,
      details: { name: row.name },
    });
  }

  /** The principal for a presented key, or null. The effective role is the lower of the key's and its owner's. */
  async verify(key: string): Promise<AuthUser | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
    const row = await this.repo.findOne({ where: { keyHash: hashApiKey(key), revokedAt: IsNull() } });
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
    const owner = await this.users.findActive(row.userId);
    if (!owner) return null;
    this.touch(row.id);
    return {
      id: owner.id,
      username: owner.username,
      role: lowerRole(row.role, owner.role),
      via: 'api-key',
      apiKeyId: row.id,
    };
  }

  /** last_used_at is advisory: written at most once a minute per key, never on the request's critical path. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(id) ?? 0) < 60_000) return;
    this.lastUsedWrites.set(id, now);
    this.repo.update({ id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }
}

function toDto(r: ApiKeyEntity): ApiKeyDto {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    userId: r.userId,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  };
}
