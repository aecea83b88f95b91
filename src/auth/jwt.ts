import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { AuthConfigError, IdentityProviderUnavailableError, makePrincipal, type Authenticator, type Principal } from './types';

/**
 * JWT bearer tokens from an identity provider, verified against its JWKS (fetched and cached) or a
 * configured SPKI public key. Issuer, audience, `exp` and `sub` are required; only RS256, ES256 and
 * EdDSA signatures are accepted. Role and tilsyn come from configurable claims (default `role`, `tilsyn`).
 */

export interface JwtAuthenticatorOptions {
  jwksUrl?: string;
  publicKeyPem?: string;
  issuer: string;
  audience: string;
  roleClaim?: string;
  tilsynClaim?: string;
  clockToleranceSec?: number;
  /** The longest a token may be valid: `exp − iat` (without `iat`, `exp − now`); longer ones are refused. Default 720 (12 h). */
  maxLifetimeMinutes?: number;
}

export const DEFAULT_JWT_MAX_LIFETIME_MINUTES = 720;

export const JWT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;
/** jose is an ES module; load it only when JWT authentication is configured. */
function loadJose(): Promise<Jose> {
  return (jose ??= import('jose'));
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The signature algorithm a SPKI PEM key is for, or a problem text. */
function algorithmFor(pem: string): { alg: JwtAlgorithm } | { problem: string } {
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    return { problem: 'publicKeyPem: must be a PEM public key in SPKI form ("-----BEGIN PUBLIC KEY-----"), not a certificate or a private key' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { problem: 'publicKeyPem: cannot be read as a PEM public key' };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      if ((details.modulusLength ?? 0) < 2048) return { problem: 'publicKeyPem: an RSA key must have at least 2048 bits' };
      return { alg: 'RS256' };
    case 'ec':
      if (details.namedCurve !== 'prime256v1') return { problem: `publicKeyPem: an EC key must be on curve P-256 (ES256), not ${details.namedCurve}` };
      return { alg: 'ES256' };
    case 'ed25519':
      return { alg: 'EdDSA' };
    default:
      return { problem: `publicKeyPem: ${key.asymmetricKeyType} keys are not accepted; use an RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA) key` };
  }
}

/** True for failures to obtain the keys (network, timeout, bad JWKS document), as opposed to a bad token. */
function isKeySourceFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_J')) return true; // e.g. fetch failed
  return code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID' || code === 'ERR_JOSE_GENERIC';
}

export async function createJwtAuthenticator(opts: JwtAuthenticatorOptions): Promise<Authenticator> {
  const problems: string[] = [];
  const nonEmpty = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  if (!nonEmpty(opts.issuer)) problems.push('issuer: required');
  if (!nonEmpty(opts.audience)) problems.push('audience: required');
  const roleClaim = opts.roleClaim ?? 'role';
  const tilsynClaim = opts.tilsynClaim ?? 'tilsyn';
  if (!nonEmpty(roleClaim)) problems.push('roleClaim: must be a claim name');
  if (!nonEmpty(tilsynClaim)) problems.push('tilsynClaim: must be a claim name');
  if (roleClaim === tilsynClaim) problems.push('roleClaim and tilsynClaim: must be different claims');
  const clockTolerance = opts.clockToleranceSec ?? 30;
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    problems.push('clockToleranceSec: must be a whole number of seconds from 0 to 300');
  }

  let jwksUrl: URL | undefined;
  let pemAlg: JwtAlgorithm | undefined;
  if (opts.jwksUrl !== undefined && opts.publicKeyPem !== undefined) {
    problems.push('configure either a JWKS URL or a public key, not both');
  } else if (opts.jwksUrl !== undefined) {
    try {
      jwksUrl = new URL(opts.jwksUrl);
    } catch {
      problems.push('jwksUrl: not a URL');
    }
    if (jwksUrl && !(jwksUrl.protocol === 'https:' || (jwksUrl.protocol === 'http:' && LOOPBACK_HOSTS.has(jwksUrl.hostname)))) {
      problems.push('jwksUrl: must use https (plain http only for localhost): keys fetched over http could be replaced in transit');
    }
  } else if (opts.publicKeyPem !== undefined) {
    const result = algorithmFor(opts.publicKeyPem);
    if ('problem' in result) problems.push(result.problem);
    else pemAlg = result.alg;
  } else {
    problems.push('a JWKS URL or a public key (PEM, SPKI) is required');
  }
  const maxLifetimeMinutes = opts.maxLifetimeMinutes ?? DEFAULT_JWT_MAX_LIFETIME_MINUTES;
  if (!Number.isInteger(maxLifetimeMinutes) || maxLifetimeMinutes < 1 || maxLifetimeMinutes > 7 * 24 * 60) {
    problems.push('maxLifetimeMinutes: must be a whole number of minutes from 1 to 10080');
  }
  if (problems.length > 0) throw new AuthConfigError(problems, 'JWT authentication is configured wrongly');

  const j = await loadJose();
  const base: JWTVerifyOptions = {
    issuer: opts.issuer,
    audience: opts.audience,
    clockTolerance,
    requiredClaims: ['exp', 'sub'],
  };
  let verify: (token: string) => Promise<{ payload: JWTPayload }>;
  let source: string;
  if (jwksUrl) {
    const jwks = j.createRemoteJWKSet(jwksUrl, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    const options = { ...base, algorithms: [...JWT_ALGORITHMS] };
    verify = (token) => j.jwtVerify(token, jwks, options);
    source = `keys from JWKS ${jwksUrl.origin}${jwksUrl.pathname}`;
  } else {
    const alg = pemAlg as JwtAlgorithm;
    const key = await j.importSPKI(opts.publicKeyPem as string, alg);
    const options = { ...base, algorithms: [alg] };
    verify = (token) => j.jwtVerify(token, key, options);
    source = `a configured ${alg} public key`;
  }
  const description = `JWT (issuer ${opts.issuer}, audience ${opts.audience}, ${source}; role claim "${roleClaim}", tilsyn claim "${tilsynClaim}"; tokens valid at most ${maxLifetimeMinutes} minutes)`;

  return {
    async authenticate(token: string): Promise<Principal | null> {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return null;
      let payload: JWTPayload;
      try {
        ({ payload } = await verify(token));
      } catch (error) {
        if (jwksUrl && isKeySourceFailure(error)) {
          // Not the caller's fault: the identity provider's keys could not be fetched.
          throw new IdentityProviderUnavailableError();
        }
        return null;
      }
      // A token valid for longer than allowed is refused, even while it lasts: a leaked long-lived token is
      // a standing key. jwtVerify has required `exp`; a token without `iat` counts from now.
      if (typeof payload.exp !== 'number') return null;
      const issuedAt = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
      if (payload.exp - issuedAt > maxLifetimeMinutes * 60) return null;
      const tilsyn = payload[tilsynClaim];
      return makePrincipal(payload.sub, payload[roleClaim], tilsyn === null || tilsyn === '' ? undefined : tilsyn);
    },
    describe: () => description,
  };
}
