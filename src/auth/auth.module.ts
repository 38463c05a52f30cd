import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from '@/api-keys/api-key.entity';
import { ApiKeysController } from '@/api-keys/api-keys.controller';
import { ApiKeysService } from '@/api-keys/api-keys.service';
import { AppConfig } from '@/config/app-config';
import { UserEntity } from '@/users/user.entity';
import { UsersController } from '@/users/users.controller';
import { UsersService } from '@/users/users.service';
import { AuthTokenService } from './auth-token.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Users, roles, tokens and API keys, and the global guard that protects every non-public route. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity, ApiKeyEntity]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (c: AppConfig) => ({
        secret: c.secretKey,
        signOptions: { algorithm: c.env.ALGORITHM, issuer: c.env.JWT_ISSUER, audience: c.env.JWT_AUDIENCE },
        verifyOptions: {
          algorithms: [c.env.ALGORITHM],
          issuer: c.env.JWT_ISSUER,
          audience: c.env.JWT_AUDIENCE,
        },
      }),
    }),
  ],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [
    UsersService,
    ApiKeysService,
    AuthTokenService,
    AuthService,
    LoginThrottle,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthTokenService, UsersService],
})
export class AuthModule {}
