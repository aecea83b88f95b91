/**
 * Route matching against the contract: which documented path an actual path falls under, which
 * methods it has (the `Allow` of a 405), and which query parameters an operation documents.
 */
import { child, deref, isObject, openapiDocument, type JsonObject } from './document';

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


const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

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

export function findOperation(method: string, routePath: string): OperationRef | undefined {
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

/** A query parameter as the contract documents it. */
export interface QueryParameter {
  name: string;
  required: boolean;
  /** Where its schema is in the bundled document (to compile it once). */
  schemaPointer: string;
  /** The schema's `type` (query values arrive as text and are read as this type first). */
  type: unknown;
  /** The schema's `default`, used when the parameter is absent. */
  default: unknown;
}

export interface QueryContract {
  /** The query parameters the operation documents (its own and its path's), in the order written. */
  names: string[];
  parameters: QueryParameter[];
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
  const parameters: QueryParameter[] = [];
  const lists = [
    { list: item.parameters, at: child('#/paths', routePath, 'parameters') },
    { list: op.operation.parameters, at: child(op.pointer, 'parameters') },
  ];
  for (const { list, at } of lists) {
    (Array.isArray(list) ? list : []).forEach((raw, i) => {
      const { node, pointer } = deref(raw, child(at, String(i)));
      if (!isObject(node) || node.in !== 'query' || typeof node.name !== 'string' || parameters.some((p) => p.name === node.name)) return;
      const schema = deref(node.schema, child(pointer, 'schema')).node;
      parameters.push({
        name: node.name,
        required: node.required === true,
        schemaPointer: child(pointer, 'schema'),
        type: isObject(schema) ? schema.type : undefined,
        default: isObject(schema) ? schema.default : undefined,
      });
    });
  }
  const security = op.operation.security ?? openapiDocument().security;
  const contract = { names: parameters.map((p) => p.name), parameters, public: Array.isArray(security) && security.length === 0 };
  queryContracts.set(key, contract);
  return contract;
}
