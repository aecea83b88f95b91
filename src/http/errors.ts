import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../approvals/errors';
import { IdentityProviderUnavailableError } from '../auth';
import { InvalidCursorError, RecordDamagedError, StoreIntegrityError, StoreUnavailableError } from '../store/errors';
import { HttpProblem, validationProblem } from './problem';
import { isStackOverflow, pathLooksLikeCpr, tooDeepProblem } from './validation';

/** Turn anything thrown into a problem; only HttpProblem / DomainError texts reach the client. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  // The domain's code is the problem's code, and with it the status.
  if (error instanceof DomainError) return new HttpProblem(error.code, error.message, { extensions: error.details });
  if (error instanceof InvalidCursorError) {
    return validationProblem('Parameteren cursor er ugyldig', [{ pointer: 'query:cursor', code: 'invalid-cursor', message: 'er ikke en cursor fra en tidligere side' }]);
  }
  if (error instanceof IdentityProviderUnavailableError) {
    return new HttpProblem('identity-provider-unavailable', error.message, { headers: { 'Retry-After': '30' } });
  }
  // Never with Retry-After: waiting does not help, an operator must act.
  if (error instanceof StoreIntegrityError) return storeIntegrityProblem(error);
  if (error instanceof RecordDamagedError) return recordDamagedProblem(error);
  if (error instanceof StoreUnavailableError) {
    return new HttpProblem('store-unavailable', 'Datalageret er midlertidigt utilgængeligt; prøv igen om lidt', { headers: { 'Retry-After': '5' } });
  }
  // A malformed percent-escape in a path parameter (router's decodeParam).
  if (error instanceof URIError) return new HttpProblem('malformed-path-encoding', 'Stien indeholder en ugyldig %-kodning');
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean };
  switch (bodyParserError?.type) {
    case 'entity.parse.failed':
      return new HttpProblem('malformed-json', 'Forespørgslens indhold er ikke gyldig JSON');
    case 'entity.too.large':
      return new HttpProblem('body-too-large', 'Forespørgslens indhold er større end 1 MiB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem('unsupported-charset', 'Tegnsættet understøttes ikke; brug UTF-8');
    case 'request.aborted':
      return new HttpProblem('request-aborted', 'Forespørgslen blev afbrudt');
    default:
      // Other body-parser failures (e.g. a Content-Encoding whose bytes do not inflate) carry a 4xx status.
      if (bodyParserError?.expose === true && typeof bodyParserError.status === 'number' && bodyParserError.status >= 400 && bodyParserError.status < 500) {
        return new HttpProblem(bodyParserError.status === 415 ? 'unsupported-content-encoding' : 'unreadable-body', 'Forespørgslens indhold kan ikke læses; send ukomprimeret eller korrekt komprimeret JSON i UTF-8');
      }
      return new HttpProblem('internal-error', 'Der opstod en uventet fejl; fejlen er logget med forespørgslens id');
  }
}

export function storeIntegrityProblem(error: StoreIntegrityError): HttpProblem {
  return new HttpProblem('store-integrity', error.message, { extensions: { ...error.details } });
}

/** One stored record cannot be read: 500 record-damaged naming it (collection and id, never its content). */
export function recordDamagedProblem(error: RecordDamagedError): HttpProblem {
  return new HttpProblem(
    'record-damaged',
    `Den gemte post ${error.collection}/${error.id} er beskadiget og kan ikke læses; en driftsansvarlig skal genskabe den fra den seneste sikkerhedskopi`,
    { extensions: { record: { collection: error.collection, id: error.id } } },
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
  next(new HttpProblem('not-found', pathLooksLikeCpr(req.path) ? 'Ingen ressource på den angivne sti' : `Ingen ressource på ${req.path}`));
};

/** Answer 405 with an Allow header for a known path called with a method it does not have. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new HttpProblem('method-not-allowed', `Metoden ${req.method} understøttes ikke her; brug ${allowed.join(' eller ')}`));
  };
}
