import express, { type Express } from 'express';
import { matchPath } from '../../src/http/openapi';
import { validateResponse, validateResponseHeaders } from './contractResponses';
import { problemCodeViolations } from './problemCodes';

/**
 * Checks every response the app gives in a test against openapi.yaml, whether or not the test looks:
 * a route that drifts from the contract fails the suite (the test service's close() reports it).
 * Swagger UI's own files under /docs are not part of the contract and are left alone.
 */
export function withContractGuard(app: Express): { app: Express; violations: string[] } {
  const violations: string[] = [];
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((req, res, next) => {
    if (req.path === '/docs' || req.path.startsWith('/docs/')) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    (res as unknown as { write: (...args: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    };
    (res as unknown as { end: (...args: unknown[]) => typeof res }).end = (chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    };
    res.on('finish', () => {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const path = req.originalUrl.split('?')[0];
      const routePath = matchPath(path)?.routePath;
      const contentType = res.getHeader('content-type') as string | undefined;
      const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if (req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) body = undefined;
      else if (type === 'application/json' || type.endsWith('+json')) {
        try {
          body = JSON.parse(text);
        } catch {
          violations.push(`${req.method} ${path} (${res.statusCode}): body is not valid JSON`);
          return;
        }
      }
      const headers = Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      // A HEAD answer has no body to check: only its status and headers.
      const bodyErrors = req.method === 'HEAD' ? [] : validateResponse(method, routePath, res.statusCode, contentType, body);
      // Every problem's type is a listed code with this status (the body schema allows any listed code).
      const codeErrors = type === 'application/problem+json' && req.method !== 'HEAD' ? problemCodeViolations(res.statusCode, body) : [];
      const errors = [...bodyErrors, ...codeErrors, ...validateResponseHeaders(method, routePath, res.statusCode, headers)];
      for (const e of new Set(errors)) violations.push(`${req.method} ${path} (${res.statusCode}): ${e}`);
    });
    next();
  });
  outer.use(app);
  return { app: outer, violations };
}
