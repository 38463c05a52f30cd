import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Role } from './role.enum';

export class LoginDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class RefreshDto {
  @IsString()
  @MinLength(10)
  @MaxLength(500)
  refreshToken!: string;
}

export class LogoutDto {
  /** Also revoke this refresh token's whole family (every token rotated from the same login). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  refreshToken?: string;
}

export class TokenPairDto {
  accessToken!: string;
  refreshToken!: string;
  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn!: number;
}

export class MeDto {
  id!: string;
  username!: string;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role!: Role;
  @ApiProperty({ enum: ['jwt', 'api-key'] })
  via!: 'jwt' | 'api-key';
}
