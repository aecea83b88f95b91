import type { Request, RequestHandler } from 'express';
import { matchRoute, queryContract, validateQuery, type QueryContract } from '../openapi';
import { HttpProblem, validationProblem } from '../problem';

/** At most this many unknown parameters are named in one answer (the rest are counted). */
const MAX_NAMED = 100;

/** The checked query values of a request, by the request. */
const checked = new WeakMap<Request, Record<string, unknown>>();

function operationContract(req: Request): QueryContract | undefined {
  const route = matchRoute(req.method, req.path);
  return route && queryContract(req.method === 'HEAD' ? 'GET' : req.method, route.routePath);
}

function unknownParameters(contract: QueryContract, unknown: string[]): HttpProblem {
  const known = contract.names.length > 0 ? contract.names.join(', ') : 'ingen';
  const message = `ukendt parameter; kendte: ${known}`;
  return new HttpProblem('unknown-query-parameter', `Ukendt query-parameter${unknown.length > 1 ? 'e' : ''}: ${unknown.slice(0, MAX_NAMED).join(', ')}${unknown.length > MAX_NAMED ? ', …' : ''} (kendte: ${known})`, {
    extensions: {
      errors: unknown.slice(0, MAX_NAMED).map((name) => ({ pointer: `query:${name}`, code: 'unknown-query-parameter', message })),
      ...(unknown.length > MAX_NAMED ? { errorCount: unknown.length } : {}),
      knownParameters: contract.names,
    },
  });
}

/** The values checked against the contract, or the 422 naming every bad one. */
function checkValues(req: Request, contract: QueryContract): Record<string, unknown> {
  const { values, errors } = validateQuery(contract, req.query as Record<string, unknown>);
  if (errors.length > 0) throw validationProblem(`Query-parameteren ${errors.map((e) => e.pointer.slice('query:'.length)).filter((n, i, all) => all.indexOf(n) === i).join(', ')} er ugyldig`, errors);
  checked.set(req, values);
  return values;
}

/**
 * The query against openapi.yaml, the one list of each operation's parameters and their schemas: an
 * unknown parameter is 400 `unknown-query-parameter` (one item per parameter, `query:<name>`, with
 * the known ones), so `?tilbudid=` never silently returns everything, nor `?format=csv` JSON; a
 * known one with a bad value is the 422 validation problem, each error with pointer, code and
 * Danish message. Paths and methods the contract lacks are left to the 404/405 handlers.
 * `scope: 'public'` checks only public operations (`security: []`), so that it can run before
 * authentication; `'all'` runs after it, so an anonymous caller of a protected route gets 401.
 * The CPR guard runs first, so a parameter refused as CPR-like never gets this far to be named.
 */
export function queryMatchesContract(scope: 'public' | 'all'): RequestHandler {
  return (req, _res, next) => {
    const contract = operationContract(req);
    if (!contract || (scope === 'public' && !contract.public) || checked.has(req)) return next();
    const unknown = Object.keys(req.query as Record<string, unknown>).filter((name) => !contract.names.includes(name));
    if (unknown.length > 0) return next(unknownParameters(contract, unknown));
    checkValues(req, contract);
    next();
  };
}

/**
 * The request's query as the contract types it (numbers, booleans, defaults filled in), checked by
 * queryMatchesContract. `T` names the operation's parameters as openapi.yaml documents them.
 */
export function contractQuery<T extends object>(req: Request): T {
  const known = checked.get(req);
  if (known) return known as T;
  const contract = operationContract(req);
  if (!contract) throw new Error(`openapi.yaml documents no operation ${req.method} ${req.path}`);
  return checkValues(req, contract) as T;
}
