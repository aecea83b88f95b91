import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Authenticator, Role } from '../../../src/auth';
import { principalOf, requireAuth, requireRole } from '../../../src/http/authentication';
import { toProblem } from '../../../src/http/errors';

/** Renders errors as problems with the real app's mapping (src/http/errors.ts). */
const renderProblem: ErrorRequestHandler = (error, _req, res, _next) => {
  const problem = toProblem(error);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body()));
};

/**
 * A tiny app: /public is open; everything under /v1 needs a token. /v1/me echoes the principal,
 * /v1/admin-only and /v1/decide check roles.
 */
export function tinyApp(authenticator: Authenticator, roles: { adminOnly?: Role[]; decide?: Role[] } = {}): Express {
  const app = express();
  app.get('/public', (_req, res) => {
    res.json({ open: true });
  });
  app.use('/v1', requireAuth(authenticator));
  app.get('/v1/me', (_req, res) => {
    res.json(principalOf(res));
  });
  app.get('/v1/admin-only', requireRole(...(roles.adminOnly ?? ['admin'])), (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/v1/decide', requireRole(...(roles.decide ?? ['inspector', 'admin'])), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(renderProblem);
  return app;
}

/** A bare app without requireAuth, to see what principalOf / requireRole do when it is missing. */
export function appWithoutAuth(): Express {
  const app = express();
  app.get('/me', (_req, res) => {
    res.json(principalOf(res));
  });
  app.get('/admin', requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(renderProblem);
  return app;
}
