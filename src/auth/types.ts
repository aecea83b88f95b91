/**
 * Who is calling. Every authenticator (tokens file, generated tokens, JWT) produces the same
 * Principal, and validates it with the same rules: a known role, and a tilsyn exactly when the role
 * is `inspector`.
 */

import { containsCprLike } from '../privacy/cpr';
import { isTilsyn, type Tilsyn } from '../geography';

export type Role = 'inspector' | 'socialstyrelsen' | 'admin';
export const ROLES: readonly Role[] = ['inspector', 'socialstyrelsen', 'admin'];

export interface Principal {
  subject: string;
  role: Role;
  tilsyn?: Tilsyn;
}

export interface Authenticator {
  /** The principal the token stands for, or null when the token is not valid here. Never logs the token. */
  authenticate(token: string): Promise<Principal | null>;
  /** For the start-up log: where the identities come from, never a token or a hash. */
  describe(): string;
}

/** Authentication is configured wrongly; the service must not start. `problems` holds one line per fault. */
export class AuthConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string | string[], heading?: string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(heading ? `${heading}:\n${list.map((p) => `  - ${p}`).join('\n')}` : list.join('\n'));
    this.name = 'AuthConfigError';
    this.problems = list;
  }
}

/**
 * The identity provider's keys cannot be fetched, so no token can be checked: not the caller's fault, and
 * worth retrying (the HTTP layer answers 503 with Retry-After).
 */
export class IdentityProviderUnavailableError extends Error {
  constructor() {
    super('Identitetsudbyderens nøgler kan ikke hentes lige nu; prøv igen om lidt');
    this.name = 'IdentityProviderUnavailableError';
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const MAX_SUBJECT_LENGTH = 256;

/**
 * A subject is printable text and never CPR-like: it ends up in audit records and logs, where a CPR
 * number must not (an identity provider using the CPR number as `sub` is refused, not recorded).
 */
export function isValidSubject(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.trim() !== '' &&
    value.length <= MAX_SUBJECT_LENGTH &&
    !/[\u0000-\u001f\u007f]/.test(value) &&
    !containsCprLike(value)
  );
}

/** An immutable principal, or null when role and tilsyn do not fit together. */
export function makePrincipal(subject: unknown, role: unknown, tilsyn: unknown): Principal | null {
  if (!isValidSubject(subject) || !isRole(role)) return null;
  if (role === 'inspector') {
    if (!isTilsyn(tilsyn)) return null;
    return Object.freeze({ subject, role, tilsyn });
  }
  if (tilsyn !== undefined) return null;
  return Object.freeze({ subject, role });
}

export function listWords(words: readonly string[], conjunction = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}
