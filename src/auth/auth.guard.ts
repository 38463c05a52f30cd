import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '@/common/errors';
import { AuthTokenService } from './auth-token.service';
import { IS_PUBLIC, MIN_ROLE } from './authenticated.decorator';
import { REQUEST_USER } from './current-user.decorator';
import { Role, roleAtLeast } from './role.enum';

/** Global guard: every HTTP route needs a valid access token or API key unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AuthTokenService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> } & Record<string, unknown>>();
    const credential = extractCredential(req.headers);
    if (!credential)
      throw new AppError(
        ErrorCode.Unauthorized,
        'authentication required: send a bearer token or an X-API-Key',
        HttpStatus.UNAUTHORIZED,
      );
    const user = await this.tokens.verifyAccessTokenOrApiKey(credential);
    if (!user)
      throw new AppError(ErrorCode.Unauthorized, 'invalid or expired credentials', HttpStatus.UNAUTHORIZED);
    req[REQUEST_USER] = user;
    const need = this.reflector.getAllAndOverride<Role>(MIN_ROLE, targets) ?? Role.Viewer;
    if (!roleAtLeast(user.role, need)) {
      throw new AppError(ErrorCode.Forbidden, `this action needs the ${need} role`, HttpStatus.FORBIDDEN, {
        required: need,
        role: user.role,
      });
    }
    return true;
  }
}

export function extractCredential(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey.trim();
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return undefined;
}
