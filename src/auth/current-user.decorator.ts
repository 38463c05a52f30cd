import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthUser } from './role.enum';

export const REQUEST_USER = 'authUser';

/** The authenticated principal the global guard attached to the request. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  const req = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  return req[REQUEST_USER] as AuthUser;
});
