/**
 * Response checks against the contract, for tests (the contract guard and the openapi tests): the
 * service itself never checks its own answers at run time.
 */
import { child, deref, isObject, openapiDocument, SPEC_FILE, validatorFor, type JsonObject } from '../../src/http/openapi/document';
import { findOperation } from '../../src/http/openapi/routes';
import { pointerOf } from '../../src/schemas';


/**
 * Responses a request can get before it reaches an operation (body parsing, the CPR guard,
 * authentication, the 404 / 405 handlers), by status: the component response that documents each.
 */
const BEFORE_ROUTING: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  413: 'ContentTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationFailed',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};


function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonMedia(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** The documented response object for a status and its pointer, or a reason it has none. */
function documentedResponse(method: string, routePath: string | undefined, status: number): { pointer: string; response: JsonObject } | string {
  const fallback = (allowed: Record<number, string>, what: string) => {
    const name = allowed[status];
    if (!name) return `${what}: status ${status} is not one a request can get there (${Object.keys(allowed).join(', ')})`;
    const { node, pointer } = deref({ $ref: child('#/components/responses', name) }, '');
    if (!isObject(node)) return `components/responses/${name} is missing from ${SPEC_FILE}`;
    return { pointer, response: node };
  };
  const label = `${method.toUpperCase()} ${routePath ?? '(unknown path)'}`;
  if (routePath === undefined) return fallback({ ...BEFORE_ROUTING, 404: 'NotFound' }, `${label} is not in ${SPEC_FILE}`);
  const item = (openapiDocument().paths as JsonObject)[routePath];
  if (!isObject(item)) return `${routePath} is not a path in ${SPEC_FILE}`;
  const op = findOperation(method, routePath);
  if (!op) return fallback({ ...BEFORE_ROUTING, 405: 'MethodNotAllowed' }, `${label} is not an operation in ${SPEC_FILE}`);
  const responses = op.operation.responses as JsonObject;
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
  if (!key) return `${label}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`;
  const { node, pointer } = deref(responses[key], child(op.pointer, 'responses', key));
  if (!isObject(node)) return `${label}: response ${key} does not resolve`;
  return { pointer, response: node };
}

function schemaErrors(schemaPointer: string, value: unknown): string[] {
  const validate = validatorFor(schemaPointer);
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => `${pointerOf(e) || '(root)'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' || e.keyword === 'required' ? '' : ` (${e.schemaPath})`}`);
}

/**
 * Check a response body against the contract: the status must be documented for the operation
 * (or, for a path or method the contract lacks, be one the service answers before routing), the
 * content type must be documented for it, and a JSON body must match its schema.
 * `routePath` is the OpenAPI path template (see matchRoute / matchPath), or undefined for a path
 * the contract does not have. Returns [] or the problems found.
 */
export function validateResponse(method: string, routePath: string | undefined, status: number, contentType: string | undefined, body: unknown): string[] {
  const found = documentedResponse(method, routePath, status);
  if (typeof found === 'string') return [found];
  const { pointer, response } = found;
  const label = `${method.toUpperCase()} ${routePath ?? '(unknown path)'} → ${status}`;
  const content = response.content as JsonObject | undefined;
  const type = mediaType(contentType);
  if (!content || Object.keys(content).length === 0) {
    const empty = body === undefined || body === null || body === '' || (isObject(body) && Object.keys(body).length === 0);
    return empty ? [] : [`${label}: the contract documents no body, but one was sent (${type || 'no content type'})`];
  }
  const documented = Object.keys(content);
  const key =
    documented.find((k) => k.toLowerCase() === type) ??
    documented.find((k) => k.endsWith('/*') && type.startsWith(k.slice(0, -1).toLowerCase())) ??
    documented.find((k) => k === '*/*');
  if (!key) return [`${label}: content type '${type || '(none)'}' is not documented (documented: ${documented.join(', ')})`];
  const media = content[key];
  if (!isObject(media) || media.schema === undefined) return [];
  if (!isJsonMedia(type) && typeof body !== 'string') return [];
  return schemaErrors(child(pointer, 'content', key, 'schema'), body).map((e) => `${label} (${key}) ${e}`);
}

/**
 * Check response headers against the documented ones: every header the contract marks required
 * is present, and every documented header that is present matches its schema (header values are
 * strings; a schema of another type is checked against the string's JSON reading).
 */
export function validateResponseHeaders(
  method: string,
  routePath: string | undefined,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): string[] {
  const found = documentedResponse(method, routePath, status);
  if (typeof found === 'string') return [found];
  const { pointer, response } = found;
  const label = `${method.toUpperCase()} ${routePath ?? '(unknown path)'} → ${status}`;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lower[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const problems: string[] = [];
  for (const [name, raw] of Object.entries((response.headers ?? {}) as JsonObject)) {
    const { node: header, pointer: headerPointer } = deref(raw, child(pointer, 'headers', name));
    if (!isObject(header)) {
      problems.push(`${label}: header ${name} does not resolve`);
      continue;
    }
    const value = lower[name.toLowerCase()];
    if (value === undefined) {
      if (header.required === true) problems.push(`${label}: required header ${name} is missing`);
      continue;
    }
    if (header.schema === undefined) continue;
    const schema = deref(header.schema, child(headerPointer, 'schema')).node as JsonObject;
    let candidate: unknown = value;
    if (isObject(schema) && schema.type !== undefined && schema.type !== 'string') {
      try {
        candidate = JSON.parse(value);
      } catch {
        candidate = value;
      }
    }
    for (const e of schemaErrors(child(headerPointer, 'schema'), candidate)) problems.push(`${label}: header ${name} ${e}`);
  }
  return problems;
}

