import type { RequestHandler } from 'express';
import { isIsoDate } from '../../time/dates';
import { matchRoute, queryContract } from '../openapi';
import { HttpProblem, validationProblem } from '../problem';

/** Query parameters are strings; each reader checks one and throws a 422 that names it. */

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validationProblem(`Parameteren ${name} må kun angives én gang`, [{ pointer: `query:${name}`, code: 'repeated-query-parameter', message: 'må kun angives én gang' }]);
  return value;
}

export function stringQuery(value: unknown, name: string, pattern?: RegExp): string | undefined {
  const v = single(value, name);
  if (v !== undefined && pattern && !pattern.test(v)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, code: 'pattern', message: `skal matche ${pattern.source}` }]);
  }
  return v;
}

export function enumQuery<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  const v = single(value, name);
  if (v !== undefined && !allowed.includes(v as T)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, code: 'enum', message: `skal være en af: ${allowed.join(', ')}` }]);
  }
  return v as T | undefined;
}

export function dateQuery(value: unknown, name: string): string | undefined {
  const v = single(value, name);
  if (v !== undefined && !isIsoDate(v)) {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, code: 'format', message: 'skal være en dato (ÅÅÅÅ-MM-DD)' }]);
  }
  return v;
}

export function intQuery(value: unknown, name: string, min: number, max: number): number | undefined {
  const v = single(value, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    // The code is the schema keyword the value breaks, as for a body (src/http/openapi).
    const code = !/^\d+$/.test(v) ? 'type' : Number(v) < min ? 'minimum' : 'maximum';
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, code, message: `skal være et helt tal fra ${min} til ${max}` }]);
  }
  return Number(v);
}

export function booleanQuery(value: unknown, name: string): boolean | undefined {
  const v = single(value, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') {
    throw validationProblem(`Parameteren ${name} er ugyldig`, [{ pointer: `query:${name}`, code: 'type', message: 'skal være true eller false' }]);
  }
  return v === 'true';
}

/** At most this many unknown parameters are named in one answer (the rest are counted). */
const MAX_NAMED = 100;

/**
 * Refuses a query parameter the operation does not document (openapi.yaml is the one list of the known
 * ones): 400 `unknown-query-parameter`, one item per unknown parameter (`query:<name>`), with the known
 * ones; `?tilbudid=` must not silently return everything, nor `?format=csv` JSON. A known parameter
 * with a bad value is the route's 422. Paths and methods the contract lacks are left to the 404/405
 * handlers. `scope: 'public'` checks only public operations (`security: []`), so that it can run
 * before authentication; `'all'` runs after it, so an anonymous caller of a protected route gets 401.
 * The CPR guard runs first, so a parameter name refused as CPR-like never gets this far to be named.
 */
export function refuseUnknownQueryParameters(scope: 'public' | 'all'): RequestHandler {
  return (req, _res, next) => {
    const names = Object.keys(req.query as Record<string, unknown>);
    if (names.length === 0) return next();
    const route = matchRoute(req.method, req.path);
    const contract = route && queryContract(req.method === 'HEAD' ? 'GET' : req.method, route.routePath);
    if (!contract || (scope === 'public' && !contract.public)) return next();
    const unknown = names.filter((name) => !contract.names.includes(name));
    if (unknown.length === 0) return next();
    const known = contract.names.length > 0 ? contract.names.join(', ') : 'ingen';
    const message = `ukendt parameter; kendte: ${known}`;
    next(
      new HttpProblem('unknown-query-parameter', `Ukendt query-parameter${unknown.length > 1 ? 'e' : ''}: ${unknown.slice(0, MAX_NAMED).join(', ')}${unknown.length > MAX_NAMED ? ', …' : ''} (kendte: ${known})`, {
        extensions: {
          errors: unknown.slice(0, MAX_NAMED).map((name) => ({ pointer: `query:${name}`, code: 'unknown-query-parameter', message })),
          ...(unknown.length > MAX_NAMED ? { errorCount: unknown.length } : {}),
          knownParameters: contract.names,
        },
      }),
    );
  };
}
