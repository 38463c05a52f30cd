import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '@/auth/role.enum';

export class CreateUserDto {
  /** 3-64 characters: letters, digits, dot, dash, underscore. Compared case-insensitively. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'username must be 3-64 letters, digits, ".", "-" or "_"' })
  username!: string;

  /** At least 8 characters. */
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password!: string;

  @IsEnum(Role)
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role!: Role;
}

export class UpdateUserDto {
  @IsOptional()
  @IsEnum(Role)
  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  role?: Role;

  /** true disables the user: their tokens and API keys stop working at once. */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  /** A new password (an admin reset); revokes the user's refresh tokens. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password?: string;
}

export class UserDto {
  id!: string;
  username!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role!: Role;
  disabled!: boolean;
  createdAt!: string;
  updatedAt!: string;
}
