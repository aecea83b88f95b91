import type { RequestHandler, Response } from 'express';
import { isRole, listWords, type Authenticator, type Principal, type Role } from '../auth/types';
import { HttpProblem } from './problem';

/**
 * The HTTP side of authentication (src/auth knows who is calling, not how they asked): `requireAuth`
 * turns `Authorization: Bearer <token>` into `res.locals.principal`, `requireRole` checks it. Failures are RFC 9457 problems with an RFC 6750 challenge; a token is never
 * echoed, and why a token was refused is not told (expired, wrong key and unknown look the same).
 */

const REALM = 'Bearer realm="specialfunktion"';
/** RFC 6750 b64token after the scheme; the scheme itself is case-insensitive. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_HEADER_LENGTH = 16 * 1024;

/** 401 `unauthenticated` when no bearer token was given, `invalid-token` when the one given is refused. */
function unauthorized(detail: string, tokenGiven: boolean): HttpProblem {
  return new HttpProblem(tokenGiven ? 'invalid-token' : 'unauthenticated', detail, {
    headers: { 'WWW-Authenticate': tokenGiven ? `${REALM}, error="invalid_token"` : REALM },
  });
}

export function requireAuth(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      next(unauthorized('Adgang kræver et bearer-token i Authorization-headeren', false));
      return;
    }
    const scheme = header.trim().split(/\s+/, 1)[0];
    if (scheme.toLowerCase() !== 'bearer') {
      next(unauthorized('Authorization-headeren skal have formen "Bearer <token>"', false));
      return;
    }
    const match = header.length <= MAX_HEADER_LENGTH ? BEARER.exec(header) : null;
    if (!match) {
      next(unauthorized('Tokenet er ugyldigt eller udløbet', true));
      return;
    }
    let principal: Principal | null;
    try {
      principal = await authenticator.authenticate(match[1]);
    } catch (error) {
      next(error); // e.g. the identity provider cannot be reached (a 503, see errors.ts); never a token in it
      return;
    }
    if (!principal) {
      next(unauthorized('Tokenet er ugyldigt eller udløbet', true));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

/** The authenticated caller; a 401 problem if the route was reached without `requireAuth`. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal || typeof principal.subject !== 'string' || !isRole(principal.role)) {
    throw unauthorized('Adgang kræver et bearer-token i Authorization-headeren', false);
  }
  return principal;
}

/** Let only the given roles through; others get a 403 naming the roles required. */
export function requireRole(...roles: Role[]): RequestHandler {
  if (roles.length === 0 || !roles.every(isRole)) throw new Error(`requireRole: give one or more of inspector, socialstyrelsen, admin`);
  const allowed = [...roles];
  const detail =
    allowed.length === 1 ? `Kræver rollen ${allowed[0]}` : `Kræver en af rollerne ${listWords(allowed, 'eller')}`;
  return (_req, res, next) => {
    let principal: Principal;
    try {
      principal = principalOf(res);
    } catch (error) {
      next(error);
      return;
    }
    if (!allowed.includes(principal.role)) {
      next(new HttpProblem('role-not-allowed', detail, { extensions: { requiredRoles: allowed } }));
      return;
    }
    next();
  };
}
