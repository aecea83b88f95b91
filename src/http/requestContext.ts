import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { containsCprLike } from '../privacy/cpr';
import { newId } from '../approvals/ids';
import { pathLooksLikeCpr } from './validation';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Every response carries a request id: the caller's if it sent a sane one, else a new one. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('X-Request-Id');
  const id = incoming && SAFE_REQUEST_ID.test(incoming) && !containsCprLike(incoming) ? incoming : newId();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/**
 * One structured line per request: method, path without query, status, duration, who.
 * Bodies, query strings and headers are never logged: they may hold evidence or tokens.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const principal = res.locals.principal as { subject?: string } | undefined;
      const path = req.originalUrl.split(/[?#]/)[0];
      logger.info(
        {
          reqId: res.locals.requestId,
          method: req.method,
          // A path is logged only when it cannot carry a CPR number (such requests are refused anyway).
          // originalUrl: req.path is relative to a mounted router (e.g. /docs) when the answer is sent.
          path: pathLooksLikeCpr(path) ? '[redacted]' : path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          subject: principal?.subject,
        },
        'request',
      );
    });
    next();
  };
}
