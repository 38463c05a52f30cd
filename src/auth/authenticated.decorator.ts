import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '@/common/error-response.dto';
import { Role } from './role.enum';

export const IS_PUBLIC = 'auth:isPublic';
export const MIN_ROLE = 'auth:minRole';

/** A route anyone may call (health, login, metrics). Every other route needs a valid token or API key. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The global guard authenticates every non-public route; this sets the least role the route needs
 * (admin > trader > viewer; default viewer) and documents both security schemes and the 401/403 answers.
 */
export function Authenticated(role: Role = Role.Viewer) {
  return applyDecorators(
    SetMetadata(MIN_ROLE, role),
    ApiBearerAuth('bearer'),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({
      description: 'Missing, invalid or expired credentials',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({ description: `Needs the ${role} role or higher`, type: ErrorResponseDto }),
  );
}
