import type { RequestHandler } from 'express';
import { matchPath, queryContract } from './openapi';
import { methodNotAllowed } from './errors';

/**
 * A documented path called with a method the contract does not document: 405 with `Allow` listing
 * the documented ones (openapi.yaml is the one list; HEAD goes with GET). `scope: 'public'` answers
 * only on paths whose operations are all public, so it can run before authentication; `'all'` runs
 * after it, so an anonymous caller of a protected path gets 401. Paths the contract lacks are left
 * to the 404 handler.
 */
export function refuseUndocumentedMethods(scope: 'public' | 'all'): RequestHandler {
  return (req, res, next) => {
    const match = matchPath(req.path);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (!match || match.methods.includes(method)) return next();
    if (scope === 'public' && !match.methods.every((m) => queryContract(m, match.routePath)?.public)) return next();
    methodNotAllowed(match.methods)(req, res, next);
  };
}
