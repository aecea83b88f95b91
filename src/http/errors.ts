import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../approvals/errors';
import { IdentityProviderUnavailableError } from '../auth';
import { InvalidCursorError, RecordDamagedError, StoreIntegrityError, StoreUnavailableError } from '../store/errors';
import { HttpProblem, validationProblem } from './problem';
import { isStackOverflow, pathLooksLikeCpr, tooDeepProblem } from './validation';

const PROBLEM_BASE = 'https://specialfunktion.dk/problems/';
const DOMAIN_STATUS = { 'not-found': 404, forbidden: 403, conflict: 409, invalid: 422 } as const;

/** Turn anything thrown into a problem; only HttpProblem / DomainError texts reach the client. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) {
    // A coded error's code is its problem type; an uncoded 422 is the general validation problem.
    const type = error.code !== undefined ? `${PROBLEM_BASE}${error.code}` : error.kind === 'invalid' ? `${PROBLEM_BASE}validation` : undefined;
    return new HttpProblem(DOMAIN_STATUS[error.kind], error.message, {
      ...(type !== undefined ? { type } : {}),
      extensions: error.details,
    });
  }
  if (error instanceof IdentityProviderUnavailableError) return new HttpProblem(503, error.message, { headers: { 'Retry-After': '30' } });
  if (error instanceof InvalidCursorError) return validationProblem('Parameteren cursor er ugyldig', [{ pointer: 'query:cursor', message: 'er ikke en cursor fra en tidligere side' }]);
  // Never with Retry-After: waiting does not help, an operator must act.
  if (error instanceof StoreIntegrityError) return storeIntegrityProblem(error);
  if (error instanceof RecordDamagedError) return recordDamagedProblem(error);
  if (error instanceof StoreUnavailableError) {
    return new HttpProblem(503, 'Datalageret er midlertidigt utilgængeligt; prøv igen om lidt', { headers: { 'Retry-After': '5' } });
  }
  // A malformed percent-escape in a path parameter (router's decodeParam).
  if (error instanceof URIError) return new HttpProblem(400, 'Stien indeholder en ugyldig %-kodning');
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean };
  switch (bodyParserError?.type) {
    case 'entity.parse.failed':
      return new HttpProblem(400, 'Forespørgslens indhold er ikke gyldig JSON');
    case 'entity.too.large':
      return new HttpProblem(413, 'Forespørgslens indhold er større end 1 MiB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'Tegnsættet understøttes ikke; brug UTF-8');
    case 'request.aborted':
      return new HttpProblem(400, 'Forespørgslen blev afbrudt');
    default:
      // Other body-parser failures (e.g. a Content-Encoding whose bytes do not inflate) carry a 4xx status.
      if (bodyParserError?.expose === true && typeof bodyParserError.status === 'number' && bodyParserError.status >= 400 && bodyParserError.status < 500) {
        return new HttpProblem(bodyParserError.status === 415 ? 415 : 400, 'Forespørgslens indhold kan ikke læses; send ukomprimeret eller korrekt komprimeret JSON i UTF-8');
      }
      return new HttpProblem(500, 'Der opstod en uventet fejl; fejlen er logget med forespørgslens id');
  }
}

export function storeIntegrityProblem(error: StoreIntegrityError): HttpProblem {
  return new HttpProblem(503, error.message, { type: 'https://specialfunktion.dk/problems/store-integrity', extensions: { ...error.details } });
}

/** One stored record cannot be read: 500 store-integrity naming it (collection and id, never its content). */
export function recordDamagedProblem(error: RecordDamagedError): HttpProblem {
  return new HttpProblem(
    500,
    `Den gemte post ${error.collection}/${error.id} er beskadiget og kan ikke læses; en driftsansvarlig skal genskabe den fra den seneste sikkerhedskopi`,
    { type: 'https://specialfunktion.dk/problems/store-integrity', extensions: { record: { collection: error.collection, id: error.id } } },
  );
}

/** `onDamaged`: told of each damaged record a request met (the record's integrity state lists it for /ready). */
export function errorHandler(logger: Logger, onDamaged?: (error: RecordDamagedError) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof RecordDamagedError) onDamaged?.(error);
    // Backstop for the depth limit: a body deep enough to exhaust a recursive validator is the
    // client's mistake, not a 500. The limit itself names where; here only the body as a whole.
    const overflowed = isStackOverflow(error) && req.body !== undefined;
    if (overflowed) logger.warn({ reqId: res.locals.requestId, err: { type: 'RangeError' } }, 'request body too deeply nested to validate');
    const problem = overflowed ? tooDeepProblem('') : toProblem(error);
    if (problem.status >= 500) {
      // Log the error class and message for the operator, never the request body.
      const err = error as Error;
      logger.error({ reqId: res.locals.requestId, err: { type: err?.constructor?.name, message: err?.message, stack: err?.stack } }, 'request failed');
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    const path = req.originalUrl.split('?')[0];
    // The instance names the request path, unless the path itself is what was refused.
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body(pathLooksLikeCpr(path) ? undefined : path)));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  // Such paths are refused earlier; the detail still never repeats a CPR-like path.
  next(new HttpProblem(404, pathLooksLikeCpr(req.path) ? 'Ingen ressource på den angivne sti' : `Ingen ressource på ${req.path}`));
};

/** Answer 405 with an Allow header for a known path called with a method it does not have. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new HttpProblem(405, `Metoden ${req.method} understøttes ikke her; brug ${allowed.join(' eller ')}`));
  };
}
