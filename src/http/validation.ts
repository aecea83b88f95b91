import type { RequestHandler } from 'express';
import { containsCprLike, CPR_MESSAGE, findCprLikeValues } from '../evidence/cpr';
import { validateRequestBody } from './openapi';
import { HttpProblem, validationProblem } from './problem';

/**
 * A CPR-like value anywhere in the body or query is refused before anything else looks at the
 * request: the answer names where, never what, and the payload is neither stored nor logged.
 */
export const refuseCpr: RequestHandler = (req, _res, next) => {
  const pointers = [
    ...(pathLooksLikeCpr(req.path) ? ['path'] : []),
    ...findCprLikeValues(req.body ?? null),
    ...findCprLikeValues({ ...(req.query as Record<string, unknown>) }).map((p) => `query:${p}`),
  ];
  if (pointers.length > 0) {
    next(validationProblem('Forespørgslen indeholder noget, der ligner et CPR-nummer', pointers.map((pointer) => ({ pointer, message: CPR_MESSAGE }))));
    return;
  }
  next();
};

/** Whether a request path (also once %-decoded) carries a CPR-like value: refused, never logged or echoed. */
export function pathLooksLikeCpr(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape is answered 400 by the router; the raw path is checked as it is
  }
  return containsCprLike(path) || containsCprLike(decoded);
}

/** Validate the JSON body against the operation's request schema in openapi.yaml: every error, with its pointer. */
export function bodyMatchesContract(method: string, routePath: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('application/json')) {
      next(new HttpProblem(415, 'Indholdet skal sendes som application/json'));
      return;
    }
    const errors = validateRequestBody(method, routePath, req.body);
    if (errors.length > 0) {
      next(validationProblem('Forespørgslens indhold følger ikke kontrakten (openapi.yaml)', errors));
      return;
    }
    next();
  };
}
