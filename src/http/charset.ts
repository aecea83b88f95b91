import type { RequestHandler } from 'express';
import { HttpProblem } from './problem';

/**
 * Bodies are JSON in UTF-8 (RFC 8259). body-parser would decode any `utf-*` charset it is told, so
 * `charset=utf-16` is refused here, before the body is read: 415 `unsupported-charset`.
 */
export function refuseUnsupportedCharset(bodyMethods: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    if (!bodyMethods.has(req.method) || !req.path.startsWith('/v1/')) return next();
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset === undefined || /^utf-?8$/i.test(charset)) return next();
    next(new HttpProblem('unsupported-charset', 'Tegnsættet understøttes ikke; send JSON i UTF-8'));
  };
}
