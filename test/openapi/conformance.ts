/**
 * Contract conformance for HTTP tests: does a response the service gave match openapi.yaml?
 *
 *   const res = await request(app).get('/v1/approvals/…').set('Authorization', …);
 *   expectResponseMatchesSpec(res);
 *
 * The operation is found from the request's method and path. The status must be documented for it
 * (for a path or method the contract does not have: a status the service answers before routing,
 * e.g. 404 / 405 / 401), the content type must be documented for that status, a JSON body must
 * match the response schema, and the documented headers must be there (X-Request-Id on every
 * response, Location on 201, ETag, WWW-Authenticate on 401, Allow on 405, Retry-After on 503, …).
 */
import type { Response } from 'supertest';
import { matchPath } from '../../src/http/openapi';
import { validateResponse, validateResponseHeaders } from '../support/contractResponses';

interface RequestInfo {
  method: string;
  path: string;
}

function requestOf(res: Response): RequestInfo {
  const request = (res as unknown as { request?: { method?: string; url?: string } }).request;
  const req = (res as unknown as { req?: { method?: string; path?: string } }).req;
  const method = (request?.method ?? req?.method ?? '').toUpperCase();
  let path = '';
  if (request?.url) {
    try {
      path = new URL(request.url, 'http://localhost').pathname;
    } catch {
      path = request.url;
    }
  } else if (req?.path) {
    path = req.path.split('?')[0];
  }
  if (!method || !path) throw new Error('expectResponseMatchesSpec: cannot tell which request this response answers (pass a supertest response)');
  return { method, path };
}

/** Every way the response departs from the contract; [] when it conforms. */
export function responseConformanceErrors(res: Response): string[] {
  const { method, path } = requestOf(res);
  const match = matchPath(path);
  const routePath = match?.routePath;
  const operationMethod = method === 'HEAD' ? 'GET' : method;
  const contentType = res.headers['content-type'] as string | undefined;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const isJson = type === 'application/json' || type.endsWith('+json');
  let body: unknown;
  if (method === 'HEAD' || res.status === 204 || res.status === 304) body = undefined;
  else if (isJson) body = res.body;
  else body = res.text;

  const errors: string[] = [];
  if (isJson && typeof res.text === 'string' && res.text.length > 0) {
    try {
      JSON.parse(res.text);
    } catch {
      errors.push(`the body is not valid JSON although the content type is ${type}`);
    }
  }
  errors.push(...validateResponse(operationMethod, routePath, res.status, contentType, body));
  for (const e of validateResponseHeaders(operationMethod, routePath, res.status, res.headers as Record<string, string>)) {
    if (!errors.includes(e)) errors.push(e);
  }
  return errors;
}

/** Throws, listing every problem, unless the response matches openapi.yaml. */
export function expectResponseMatchesSpec(res: Response): void {
  const errors = responseConformanceErrors(res);
  if (errors.length === 0) return;
  const { method, path } = requestOf(res);
  const preview = (res.text ?? '').slice(0, 600);
  throw new Error(
    `Response to ${method} ${path} (${res.status}) does not match openapi.yaml:\n` +
      errors.map((e) => `  - ${e}`).join('\n') +
      (preview ? `\nBody: ${preview}${(res.text ?? '').length > 600 ? '…' : ''}` : ''),
  );
}
