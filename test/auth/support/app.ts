import express, { type ErrorRequestHandler, type Express } from 'express';
import { principalOf, requireAuth, requireRole, type Authenticator, type Role } from '../../../src/auth';
import { HttpProblem } from '../../../src/http/problem';

/** Renders HttpProblem like the real app does; anything else is a bare 500. */
const renderProblem: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof HttpProblem) {
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.status(error.status).type('application/problem+json').send(JSON.stringify(error.body()));
    return;
  }
  res.status(500).json({ status: 500 });
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
