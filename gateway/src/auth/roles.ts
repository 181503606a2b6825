import { ForbiddenError } from '@dreamcatcher/service-kit/errors';

export const ROLES = ['user', 'auditor', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: from a verified token or an API key. */
export interface Principal {
  userId: string;
  roles: Role[];
  /** How the caller proved who it is; `apiKeyId` is set for API keys. */
  via: 'jwt' | 'api-key';
  apiKeyId?: string;
  /** When the credential stops being valid (epoch ms; a token's `exp`): live connections end then. */
  expiresAt?: number;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** Throws 403 unless the principal holds one of `roles`. */
export function assertAnyRole(principal: Principal, roles: readonly Role[]): void {
  if (!hasAnyRole(principal, roles)) throw new ForbiddenError(`Requires one of the roles: ${roles.join(', ')}`);
}
