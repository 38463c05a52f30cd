export enum Role {
  Admin = 'admin',
  Trader = 'trader',
  Viewer = 'viewer',
}

const RANK: Record<Role, number> = { [Role.Admin]: 3, [Role.Trader]: 2, [Role.Viewer]: 1 };

/** True when `have` is at least `need` (admin > trader > viewer). */
export function roleAtLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** How the request authenticated. */
  via: 'jwt' | 'api-key';
  apiKeyId?: string;
  tokenId?: string;
  tokenExpiresAt?: number;
}
