import type { RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { HttpProblem } from './problem';

/** Paths anyone may call without a token (besides /health and /ready, which are never limited). */
const PUBLIC_PATHS = [/^\/v1\/specialer(\/|$)/, /^\/v1\/register\/?$/, /^\/v1\/audit\/(head|public-key)\/?$/, /^\/openapi\.yaml$/, /^\/docs(\/|$)/];
const EXEMPT = new Set(['/health', '/ready']);

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.some((p) => p.test(path));
}

/**
 * Requests per client (its IP address, as `trust proxy` lets express see it) and minute on the public
 * routes: the register and the criteria cost work without a token. Protected routes refuse an anonymous
 * request before reading its body, so it costs little; /health and /ready are never limited, so a load
 * balancer's probes do not take an instance out.
 * Over the limit: 429 problem+json `rate-limited` with Retry-After in seconds.
 */
export function publicRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: false,
    legacyHeaders: false,
    skip: (req) => EXEMPT.has(req.path) || !isPublicPath(req.path),
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: RateLimitInfo }).rateLimit?.resetTime?.getTime();
      const seconds = reset === undefined ? 60 : Math.max(1, Math.ceil((reset - Date.now()) / 1000));
      next(
        new HttpProblem('rate-limited', `For mange forespørgsler; højst ${perMinute} i minuttet. Prøv igen om ${seconds} sekunder`, {
          headers: { 'Retry-After': String(seconds) },
        }),
      );
    },
  });
}
