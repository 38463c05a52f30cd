import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Role } from '@/auth/role.enum';

export class CreateApiKeyDto {
  /** A label to recognise the key by, e.g. "backtest-bot". */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** The key's role; at most the creator's own. Defaults to the creator's role. */
  @IsOptional()
  @IsEnum(Role)
  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  role?: Role;

  /** Days until the key expires; omit for a key that lasts until revoked. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class ApiKeyDto {
  id!: string;
  name!: string;
  /** The key's first characters, to recognise it. */
  prefix!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role!: Role;
  userId!: string;
  createdAt!: string;
  expiresAt!: string | null;
  lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** The key itself. Shown only in this answer; send it as `X-API-Key` or as a bearer token. */
  key!: string;
}
