/**
 * Who is calling the /v1 API. Identities come from a tokens file (hashes only), JWTs from an identity
 * provider, or — when neither is configured — tokens generated once at first start. Reading the
 * Authorization header and checking roles per route is HTTP's (src/http/authentication.ts).
 */
export { AuthConfigError, IdentityProviderUnavailableError, ROLES, type Authenticator, type Principal, type Role } from './types';
export { loadTokensFile, tokenHash } from './tokens';
export { ensureGeneratedTokens } from './generated';
export { createJwtAuthenticator, JWT_ALGORITHMS, type JwtAuthenticatorOptions } from './jwt';
export { combineAuthenticators } from './combine';
