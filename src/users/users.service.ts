import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { Repository } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { Role, type AuthUser } from '@/auth/role.enum';
import { AppConfig } from '@/config/app-config';
import { AppError, ErrorCode, NotFoundError } from '@/common/errors';
import { UserEntity } from './user.entity';
import type { CreateUserDto, UpdateUserDto, UserDto } from './users.dto';

const CACHE_MS = 5000;
/** argon2id with the library's defaults (m=64 MiB, t=3, p=4), OWASP's recommended profile. */
const HASH_OPTIONS = { type: argon2.argon2id } as const;

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly cache = new Map<string, { user: UserEntity | null; at: number }>();
  /** A fixed hash to verify against when the user doesn't exist, so timing doesn't reveal usernames. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The first start with no users creates the admin from ADMIN_USERNAME / ADMIN_PASSWORD. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hasRole('api')) return;
    if ((await this.repo.count()) > 0) return;
    const username = this.config.env.ADMIN_USERNAME.toLowerCase();
    await this.repo.insert({
      username,
      passwordHash: await argon2.hash(this.config.adminPassword, HASH_OPTIONS),
      role: Role.Admin,
    });
    await this.audit.record({ action: 'user.bootstrap', target: username, details: { role: Role.Admin } });
    if (this.config.adminPasswordGenerated) {
      // Printed once, on the start that creates the admin; it is not stored anywhere in clear.
      process.stdout.write(
        `\n  Created the admin user "${username}" with the generated password: ${this.config.adminPassword}\n` +
          `  Set ADMIN_PASSWORD to choose your own; this password is not shown again.\n\n`,
      );
    } else {
      this.logger.log(`created the admin user "${username}" from ADMIN_USERNAME/ADMIN_PASSWORD`);
    }
  }

  async verifyPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.repo.findOne({ where: { username: username.toLowerCase() } });
    if (!user) {
      this.dummyHash ??= argon2.hash('not-a-real-password', HASH_OPTIONS);
      await argon2.verify(await this.dummyHash, password).catch(() => false);
      return null;
    }
    const ok = await argon2.verify(user.passwordHash, password).catch(() => false);
    return ok ? user : null;
  }

  /** Active user by id, cached for a few seconds so the guard doesn't query on every request. */
  async findActive(id: string): Promise<UserEntity | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.user;
    const user = await this.repo.findOne({ where: { id } });
    const active = user && !user.disabled ? user : null;
    this.cache.set(id, { user: active, at: Date.now() });
    return active;
  }

  async create(actor: AuthUser, dto: CreateUserDto): Promise<UserDto> {
    const username = dto.username.toLowerCase();
    if (await this.repo.exists({ where: { username } })) {
      throw new AppError(ErrorCode.Conflict, `username "${username}" is taken`, 409, { field: 'username' });
    }
    const user = await this.repo.save(
      this.repo.create({
        username,
        passwordHash: await argon2.hash(dto.password, HASH_OPTIONS),
        role: dto.role,
      }),
    );
    await this.audit.record({
      actorId: actor.id,
      actorName: actor.username,
      action: 'user.create',
      target: user.id,
      details: { username, role: dto.role },
    });
    return toDto(user);
  }

  async list(): Promise<UserDto[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(toDto);
  }

  async get(id: string): Promise<UserDto> {
    return toDto(await this.mustFind(id));
  }

  async update(
    actor: AuthUser,
    id: string,
    dto: UpdateUserDto,
    onPasswordReset: (userId: string) => Promise<void>,
  ): Promise<UserDto> {
    const user = await this.mustFind(id);
    if (id === actor.id && ((dto.role && dto.role !== Role.Admin) || dto.disabled)) {
      throw new AppError(ErrorCode.BadRequest, 'an admin cannot demote or disable themselves', 400, {
        field: dto.role ? 'role' : 'disabled',
      });
    }
    const changes: Record<string, unknown> = {};
    if (dto.role !== undefined && dto.role !== user.role) changes.role = user.role = dto.role;
    if (dto.disabled !== undefined && dto.disabled !== user.disabled)
      changes.disabled = user.disabled = dto.disabled;
    if (dto.password !== undefined) {
      user.passwordHash = await argon2.hash(dto.password, HASH_OPTIONS);
      user.passwordChangedAt = new Date();
      changes.passwordReset = true;
    }
    await this.repo.save(user);
    this.cache.delete(id);
    if (changes.passwordReset || changes.disabled) await onPasswordReset(id);
    await this.audit.record({
      actorId: actor.id,
      actorName: actor.username,
      action: 'user.update',
      target: id,
      details: changes,
    });
    return toDto(user);
  }

  private async mustFind(id: string): Promise<UserEntity> {
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.findOne({ where: { id } }) : null;
    if (!user) throw new NotFoundError('User', id);
    return user;
  }
}

function toDto(u: UserEntity): UserDto {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
