/**
 * The contract, openapi.yaml, as the running service uses it.
 *
 * The file is read once. Its external references (`./schemas/*.json`) are bundled into
 * `components/schemas` so the document served at /openapi.yaml and shown by Swagger UI is
 * self-contained. Request bodies are validated against the operation's schema (one compiled ajv
 * validator per operation, cached), and tests check responses against the documented ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { keywordCode } from '../../schemas';

export type JsonObject = Record<string, unknown>;

export interface InvalidParam {
  pointer: string;
  message: string;
  /** The schema keyword the value breaks, kebab-case (`required`, `additional-properties`, …). */
  code: string;
}

export interface RouteMatch {
  /** The OpenAPI path template, e.g. '/v1/approvals/{id}/revoke'. */
  routePath: string;
  /** Path parameters, URI-decoded. */
  params: Record<string, string>;
}

export interface PathMatch extends RouteMatch {
  /** The methods the path documents, upper case. */
  methods: string[];
}

export const SPEC_FILE = 'openapi.yaml';
/** The base URI the bundled document is registered under in ajv. */
const DOCUMENT_ID = 'https://specialfunktion.dk/openapi.yaml';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

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

// ---------------------------------------------------------------------------------------------
// Locating and loading

let root: string | undefined;

/** The project root: the nearest folder above this file holding package.json (works from src/ and dist/src/). */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, SPEC_FILE))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Fall back to the nearest package.json even without the spec, so the error below names the right place.
  dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
}

interface Loaded {
  /** The file as written (with its external references). */
  source: JsonObject;
  /** Self-contained: external schemas bundled under components/schemas. */
  document: JsonObject;
  yaml: string;
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const file = path.join(projectRoot(), SPEC_FILE);
  const text = readFileSync(file, 'utf8');
  const source = YAML.parse(text) as JsonObject;
  const document = bundle(structuredClone(source), path.dirname(file));
  const yaml =
    `# ${SPEC_FILE} with the external JSON Schemas (schemas/*.json) bundled under components/schemas.\n` +
    YAML.stringify(document, { schema: 'yaml-1.1', lineWidth: 0, aliasDuplicateObjects: false });
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  // Not meta-validated: it is an OpenAPI document, not a schema; only its subschemas are compiled.
  ajv.addSchema(document, DOCUMENT_ID, undefined, false);
  loaded = { source, document, yaml, ajv, validators: new Map() };
  return loaded;
}

/** The contract as a parsed, self-contained object (external schemas bundled). Do not mutate. */
export function openapiDocument(): JsonObject {
  return load().document;
}

/** The self-contained contract as YAML text, to serve at /openapi.yaml. */
export function openapiYaml(): string {
  return load().yaml;
}

/** The contract exactly as written in openapi.yaml (external `$ref`s left as they are). */
export function openapiSource(): JsonObject {
  return load().source;
}

// ---------------------------------------------------------------------------------------------
// Bundling external references

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pascalCase(fileName: string): string {
  const base = path.basename(fileName).replace(/\.schema\.json$|\.json$|\.ya?ml$/i, '');
  return base
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Replace every reference to a file (`./schemas/evidence.schema.json`, `…#/$defs/provider`) with a
 * reference into components/schemas, where the file's content is placed without `$id`/`$schema`
 * and with its own `#…` references rewritten to their new place.
 */
function bundle(document: JsonObject, baseDir: string): JsonObject {
  const components = (document.components ??= {}) as JsonObject;
  const schemas = (components.schemas ??= {}) as JsonObject;
  const placed = new Map<string, string>(); // absolute file -> component name

  // A component that is nothing but a reference to a whole file gives that file its name.
  const preferredName = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (isObject(schema) && Object.keys(schema).length === 1 && typeof schema.$ref === 'string' && !schema.$ref.startsWith('#')) {
      const [file, fragment] = schema.$ref.split('#');
      if (!fragment) preferredName.set(path.resolve(baseDir, file), name);
    }
  }

  const place = (absFile: string): string => {
    const known = placed.get(absFile);
    if (known) return known;
    let name = preferredName.get(absFile) ?? pascalCase(absFile);
    if (!preferredName.has(absFile)) {
      while (name in schemas) name = `${name}_`;
    }
    placed.set(absFile, name);
    const content = JSON.parse(readFileSync(absFile, 'utf8')) as JsonObject;
    delete content.$id;
    delete content.$schema;
    schemas[name] = content;
    rewrite(content, path.dirname(absFile), `#/components/schemas/${escapePointer(name)}`);
    return name;
  };

  function rewrite(node: unknown, dir: string, localPrefix: string | null): void {
    if (Array.isArray(node)) {
      for (const item of node) rewrite(item, dir, localPrefix);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith('#')) {
          // A reference inside a bundled file points into that file, now placed under localPrefix.
          if (localPrefix !== null) node.$ref = value === '#' ? localPrefix : `${localPrefix}${value.slice(1)}`;
        } else if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
          const [file, fragment = ''] = value.split('#');
          const name = place(path.resolve(dir, file));
          node.$ref = `#/components/schemas/${escapePointer(name)}${fragment}`;
        }
      } else {
        rewrite(value, dir, localPrefix);
      }
    }
  }

  // The components that only name a file become the file (in place); then the rest is rewritten.
  for (const absFile of preferredName.keys()) place(absFile);
  for (const [key, value] of Object.entries(document)) {
    if (key !== 'components') rewrite(value, baseDir, null);
  }
  for (const [section, value] of Object.entries(components)) {
    if (section !== 'schemas') {
      rewrite(value, baseDir, null);
      continue;
    }
    for (const [name, schema] of Object.entries(value as JsonObject)) {
      if (![...placed.values()].includes(name)) rewrite(schema, baseDir, null);
    }
  }
  return document;
}

// ---------------------------------------------------------------------------------------------
// JSON Pointer helpers

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a local reference ('#/components/schemas/X') in the bundled document, or undefined. */
export function resolvePointer(ref: string, document: unknown = openapiDocument()): unknown {
  if (!ref.startsWith('#')) return undefined;
  const body = ref.slice(1);
  if (body === '') return document;
  if (!body.startsWith('/')) return undefined;
  let node: unknown = document;
  for (const raw of body.slice(1).split('/')) {
    const part = unescapePointer(decodeURIComponent(raw));
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Follow local `$ref`s (response, request body, header objects) to the object and its pointer. */
function deref(node: unknown, pointer: string): { node: unknown; pointer: string } {
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    if (seen.has(node.$ref)) throw new Error(`Circular $ref ${node.$ref} in ${SPEC_FILE}`);
    seen.add(node.$ref);
    pointer = node.$ref;
    node = resolvePointer(pointer);
  }
  return { node, pointer };
}

function child(pointer: string, ...segments: string[]): string {
  return pointer + segments.map((s) => `/${escapePointer(s)}`).join('');
}

function validatorFor(schemaPointer: string): ValidateFunction {
  const state = load();
  let validate = state.validators.get(schemaPointer);
  if (!validate) {
    // The fragment is a JSON Pointer; percent-encode what a URI fragment cannot hold as is.
    const fragment = schemaPointer.slice(1).replace(/[{}%\s]/g, (c) => encodeURIComponent(c));
    validate = state.ajv.compile({ $ref: `${DOCUMENT_ID}#${fragment}` });
    state.validators.set(schemaPointer, validate);
  }
  return validate;
}

// ---------------------------------------------------------------------------------------------
// Operations and routes

export interface OperationRef {
  method: string; // lower case
  routePath: string;
  operation: JsonObject;
  pointer: string;
}

/** Every operation in the contract. */
export function listOperations(): OperationRef[] {
  const paths = (openapiDocument().paths ?? {}) as JsonObject;
  const out: OperationRef[] = [];
  for (const [routePath, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation)) out.push({ method, routePath, operation, pointer: child('#/paths', routePath, method) });
    }
  }
  return out;
}

function findOperation(method: string, routePath: string): OperationRef | undefined {
  const item = (openapiDocument().paths as JsonObject | undefined)?.[routePath];
  const m = method.toLowerCase();
  if (!isObject(item) || !isObject(item[m])) return undefined;
  return { method: m, routePath, operation: item[m] as JsonObject, pointer: child('#/paths', routePath, m) };
}

interface CompiledTemplate {
  routePath: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
}

let templates: CompiledTemplate[] | undefined;

function compiledTemplates(): CompiledTemplate[] {
  if (templates) return templates;
  const paths = Object.keys((openapiDocument().paths ?? {}) as JsonObject);
  templates = paths
    .map((routePath) => {
      const names: string[] = [];
      let literalSegments = 0;
      const source = routePath
        .split('/')
        .map((segment) => {
          const parts = segment.split(/(\{[^}]+\})/).filter((p) => p !== '');
          if (parts.every((p) => !p.startsWith('{'))) literalSegments++;
          return parts
            .map((p) => {
              if (p.startsWith('{') && p.endsWith('}')) {
                names.push(p.slice(1, -1));
                return '([^/]+)';
              }
              return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            })
            .join('');
        })
        .join('/');
      return { routePath, regex: new RegExp(`^${source}$`), names, literalSegments };
    })
    // Literal segments win over templated ones (/v1/x/verify before /v1/x/{id}).
    .sort((a, b) => b.literalSegments - a.literalSegments);
  return templates;
}

function normalisePath(actualPath: string): string {
  let p = actualPath.split(/[?#]/)[0] || '/';
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** The documented path template an actual path falls under, with its parameters and methods, whatever the method. */
export function matchPath(actualPath: string): PathMatch | undefined {
  const p = normalisePath(actualPath);
  const paths = openapiDocument().paths as JsonObject;
  for (const t of compiledTemplates()) {
    const m = t.regex.exec(p);
    if (!m) continue;
    const params: Record<string, string> = {};
    let ok = true;
    t.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1]);
      } catch {
        ok = false;
      }
    });
    if (!ok) continue;
    const item = paths[t.routePath] as JsonObject;
    const methods = HTTP_METHODS.filter((method) => isObject(item[method])).map((method) => method.toUpperCase());
    return { routePath: t.routePath, params, methods };
  }
  return undefined;
}

/** The operation a request (method + actual path) is for; undefined if the contract has none. HEAD counts as GET. */
export function matchRoute(method: string, actualPath: string): RouteMatch | undefined {
  const match = matchPath(actualPath);
  if (!match) return undefined;
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  if (!match.methods.includes(m)) return undefined;
  return { routePath: match.routePath, params: match.params };
}

export interface QueryContract {
  /** The query parameters the operation documents (its own and its path's), in the order written. */
  names: string[];
  /** Whether the operation is public (`security: []`): answered before authentication. */
  public: boolean;
}

const queryContracts = new Map<string, QueryContract>();

/** The query parameters an operation documents and whether it is public; undefined if the contract has no such operation. */
export function queryContract(method: string, routePath: string): QueryContract | undefined {
  const op = findOperation(method, routePath);
  if (!op) return undefined;
  const key = `${op.method} ${routePath}`;
  const known = queryContracts.get(key);
  if (known) return known;
  const item = (openapiDocument().paths as JsonObject)[routePath] as JsonObject;
  const names: string[] = [];
  for (const list of [item.parameters, op.operation.parameters]) {
    for (const raw of Array.isArray(list) ? list : []) {
      const { node } = deref(raw, '');
      if (isObject(node) && node.in === 'query' && typeof node.name === 'string' && !names.includes(node.name)) names.push(node.name);
    }
  }
  const security = op.operation.security ?? openapiDocument().security;
  const contract = { names, public: Array.isArray(security) && security.length === 0 };
  queryContracts.set(key, contract);
  return contract;
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const TYPE_NAMES: Record<string, string> = {
  string: 'en tekst',
  integer: 'et helt tal',
  number: 'et tal',
  boolean: 'true eller false',
  object: 'et objekt',
  array: 'en liste',
  null: 'null',
};

function typeName(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' eller ');
}

/** A Danish message for one ajv error. Never includes the rejected value (it may be personal data). */
function message(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'mangler';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'er ikke tilladt her';
    case 'type':
      return `skal være ${typeName(p.type)}`;
    case 'enum':
      return `skal være en af: ${(p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
    case 'const':
      return `skal være ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return `skal matche ${String(p.pattern)}`;
    case 'format':
      if (p.format === 'date') return 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)';
      if (p.format === 'date-time') return 'skal være et gyldigt tidspunkt (ISO 8601)';
      return `skal have formatet ${String(p.format)}`;
    case 'minLength':
      return p.limit === 1 ? 'må ikke være tom' : `skal være mindst ${String(p.limit)} tegn`;
    case 'maxLength':
      return `må højst være ${String(p.limit)} tegn`;
    case 'minimum':
      return `skal være mindst ${String(p.limit)}`;
    case 'maximum':
      return `må højst være ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `skal være større end ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `skal være mindre end ${String(p.limit)}`;
    case 'multipleOf':
      return `skal være et multiplum af ${String(p.multipleOf)}`;
    case 'minItems':
      return `skal have mindst ${String(p.limit)} element${p.limit === 1 ? '' : 'er'}`;
    case 'maxItems':
      return `må højst have ${String(p.limit)} element${p.limit === 1 ? '' : 'er'}`;
    case 'uniqueItems':
      return `må ikke indeholde dubletter (element ${String(p.j)} og ${String(p.i)} er ens)`;
    case 'minProperties':
      return `skal have mindst ${String(p.limit)} egenskab${p.limit === 1 ? '' : 'er'}`;
    case 'maxProperties':
      return `må højst have ${String(p.limit)} egenskab${p.limit === 1 ? '' : 'er'}`;
    case 'propertyNames':
      return 'har et ugyldigt egenskabsnavn';
    default:
      return error.message ?? `opfylder ikke ${error.keyword}`;
  }
}

/** Where an ajv error is: for a missing or unknown property, the property itself. */
function pointerOf(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof p.missingProperty === 'string') return `${error.instancePath}/${escapePointer(p.missingProperty)}`;
  if (error.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    return `${error.instancePath}/${escapePointer(p.additionalProperty)}`;
  }
  if (error.keyword === 'unevaluatedProperties' && typeof p.unevaluatedProperty === 'string') {
    return `${error.instancePath}/${escapePointer(p.unevaluatedProperty)}`;
  }
  return error.instancePath;
}

/** Ajv's errors as {pointer, message}, without duplicates and without the `if` bookkeeping errors. */
export function toInvalidParams(errors: readonly ErrorObject[] | null | undefined): InvalidParam[] {
  const out: InvalidParam[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if' || error.keyword === '$ref') continue;
    const item = { pointer: pointerOf(error), message: message(error), code: keywordCode(error.keyword) };
    const key = `${item.pointer}\u0000${item.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

function requestSchemaPointer(method: string, routePath: string): string | undefined {
  const op = findOperation(method, routePath);
  if (!op) return undefined;
  const { node: body, pointer } = deref(op.operation.requestBody, child(op.pointer, 'requestBody'));
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const media = (body.content as JsonObject)['application/json'];
  if (!isObject(media) || media.schema === undefined) return undefined;
  return child(pointer, 'content', 'application/json', 'schema');
}

/**
 * Validate a JSON request body against the operation's request schema: every error, each with a
 * JSON Pointer into the body and a Danish message. [] when the body is valid.
 * Throws (a programming error) if the contract documents no JSON body for the operation.
 */
export function validateRequestBody(method: string, routePath: string, body: unknown): InvalidParam[] {
  const pointer = requestSchemaPointer(method, routePath);
  if (!pointer) throw new Error(`${SPEC_FILE} documents no application/json request body for ${method.toUpperCase()} ${routePath}`);
  if (body === undefined) return [{ pointer: '', code: 'required', message: 'forespørgslen skal have et indhold (application/json)' }];
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return toInvalidParams(validate.errors);
}

// ---------------------------------------------------------------------------------------------
// Responses (for tests)

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
