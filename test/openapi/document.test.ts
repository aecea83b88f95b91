import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { listOperations, openapiDocument, openapiYaml, projectRoot, resolvePointer, validateRequestBody, type JsonObject } from '../../src/http/openapi';
import { validateResponse } from '../support/contractResponses';

const doc = openapiDocument() as JsonObject & {
  paths: Record<string, JsonObject>;
  components: Record<string, Record<string, JsonObject>>;
  tags: { name: string; description?: string }[];
  security: Record<string, unknown[]>[];
};
const operations = listOperations();
const label = (o: { method: string; routePath: string }) => `${o.method.toUpperCase()} ${o.routePath}`;

const PUBLIC = [
  'GET /health',
  'GET /ready',
  'GET /openapi.yaml',
  'GET /v1/specialer',
  'GET /v1/specialer/{speciale}/rulesets',
  'GET /v1/specialer/{speciale}/rulesets/{version}',
  'GET /v1/register',
  'GET /v1/audit/head',
  'GET /v1/audit/public-key',
  'GET /v1/vocabularies',
];

const EXPECTED_ROUTES = [
  ...PUBLIC,
  'POST /v1/specialer/{speciale}/impact',
  'GET /v1/specialer/{speciale}/snapshot',
  'POST /v1/evaluations',
  'GET /v1/evaluations/{id}',
  'POST /v1/approvals',
  'POST /v1/advisory-assignments',
  'GET /v1/approvals',
  'GET /v1/approvals/{id}',
  'POST /v1/approvals/{id}/revoke',
  'POST /v1/approvals/{id}/renew',
  'POST /v1/approvals/{id}/recheck',
  'POST /v1/approvals/{id}/evidence',
  'POST /v1/providers/{tilbudId}/capacity-changes',
  'POST /v1/rechecks/runs',
  'GET /v1/rechecks/runs/{id}',
  'GET /v1/capacity',
  'GET /v1/audit',
  'GET /v1/audit/verify',
  'GET /v1/evaluations',
  'POST /v1/evaluations/{id}/replay',
  'GET /v1/evaluations/{id}/export',
  'GET /v1/approvals/{id}/decision',
  'GET /v1/approvals/{id}/decisions/{n}',
  'GET /v1/providers',
  'GET /v1/providers/{tilbudId}',
  'PATCH /v1/providers/{tilbudId}',
  'POST /v1/providers/reassignments',
  'GET /v1/worklist',
];

function deref(node: unknown): JsonObject {
  let n = node as JsonObject;
  while (n && typeof n.$ref === 'string') n = resolvePointer(n.$ref) as JsonObject;
  return n;
}

function walk(node: unknown, visit: (value: unknown, at: string[]) => void, at: string[] = []): void {
  visit(node, at);
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, visit, [...at, String(i)]));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, visit, [...at, k]);
}

/** Does a schema describe an RFC 9457 problem (Problem itself, or built on it with allOf / anyOf)? */
function isProblemSchema(schema: unknown): boolean {
  const s = schema as JsonObject;
  if (!s || typeof s !== 'object') return false;
  if (s.$ref === '#/components/schemas/Problem') return true;
  if (typeof s.$ref === 'string') return isProblemSchema(resolvePointer(s.$ref));
  if (Array.isArray(s.allOf) && s.allOf.some(isProblemSchema)) return true;
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && s.anyOf.every(isProblemSchema)) return true;
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0 && s.oneOf.every(isProblemSchema)) return true;
  return false;
}

describe('openapi.yaml: the document', () => {
  it('is OpenAPI 3.1 with its default (JSON Schema 2020-12 based) dialect, which Swagger UI supports', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.jsonSchemaDialect).toBeUndefined();
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(openapiYaml()).toMatch(/^openapi: 3\.1/m);
  });

  it('is found from the project root and parses without YAML warnings', () => {
    expect(existsSync(path.join(projectRoot(), 'package.json'))).toBe(true);
    const parsed = YAML.parseDocument(readFileSync(path.join(projectRoot(), 'openapi.yaml'), 'utf8'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
  });

  it('has no stray nulls or non-text descriptions (a plain YAML scalar with ", x:" inside a { } mapping breaks silently)', () => {
    const problems: string[] = [];
    walk(doc, (value, at) => {
      const inExample = at.includes('examples') || at.includes('example');
      if (value === null && !inExample) problems.push(`${at.join('/')} is null`);
      if (!inExample && at[at.length - 2] !== 'properties' && ['description', 'summary'].includes(at[at.length - 1]) && typeof value !== 'string') problems.push(`${at.join('/')} is not text`);
    });
    expect(problems).toEqual([]);
  });

  it('documents exactly the routes the service has', () => {
    expect(operations.map(label).sort()).toEqual([...EXPECTED_ROUTES].sort());
  });

  it('gives every operation a unique operationId, declared tags, a summary and responses', () => {
    const declared = doc.tags.map((t) => t.name);
    const ids = new Set<string>();
    for (const op of operations) {
      const o = op.operation;
      expect({ op: label(op), operationId: typeof o.operationId }).toEqual({ op: label(op), operationId: 'string' });
      expect(o.operationId as string).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(ids.has(o.operationId as string)).toBe(false);
      ids.add(o.operationId as string);
      expect(Array.isArray(o.tags) && (o.tags as string[]).length > 0).toBe(true);
      for (const tag of o.tags as string[]) expect(declared).toContain(tag);
      expect(typeof o.summary === 'string' && (o.summary as string).length > 5).toBe(true);
      const statuses = Object.keys(o.responses as JsonObject);
      expect(statuses.some((s) => /^2\d\d$/.test(s))).toBe(true);
    }
  });

  it('declares the tags Kriterier, Evalueringer, Godkendelser, Revision and Drift, each described and used', () => {
    const declared = doc.tags.map((t) => t.name);
    expect(declared).toEqual(expect.arrayContaining(['Kriterier', 'Evalueringer', 'Godkendelser', 'Revision', 'Drift']));
    const used = new Set(operations.flatMap((o) => o.operation.tags as string[]));
    for (const tag of doc.tags) {
      expect(tag.description).toEqual(expect.any(String));
      expect(used.has(tag.name)).toBe(true);
    }
  });

  it('documents every error response as application/problem+json with a Problem schema', () => {
    const problems: string[] = [];
    for (const op of operations) {
      for (const [status, raw] of Object.entries(op.operation.responses as JsonObject)) {
        if (!/^[45]/.test(status)) continue;
        const response = deref(raw);
        const content = (response.content ?? {}) as JsonObject;
        if (Object.keys(content).join() !== 'application/problem+json') problems.push(`${label(op)} ${status}: content ${Object.keys(content).join()}`);
        else if (!isProblemSchema((content['application/problem+json'] as JsonObject).schema)) problems.push(`${label(op)} ${status}: not a Problem schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('puts X-Request-Id on every response, and the status-specific headers where they belong', () => {
    const problems: string[] = [];
    const header = (response: JsonObject, name: string) => {
      const h = ((response.headers ?? {}) as JsonObject)[name];
      return h ? deref(h) : undefined;
    };
    for (const op of operations) {
      for (const [status, raw] of Object.entries(op.operation.responses as JsonObject)) {
        const response = deref(raw);
        if (header(response, 'X-Request-Id')?.required !== true) problems.push(`${label(op)} ${status}: X-Request-Id`);
        const need: Record<string, string> = { '401': 'WWW-Authenticate', '405': 'Allow', '429': 'Retry-After' };
        if (need[status] && header(response, need[status])?.required !== true) problems.push(`${label(op)} ${status}: ${need[status]}`);
        // Documented, not required: a store-integrity 503 has none, since waiting does not help.
        if (status === '503' && !header(response, 'Retry-After')) problems.push(`${label(op)} 503: Retry-After`);
        if (status === '201' && op.routePath !== '/v1/providers/{tilbudId}/capacity-changes' && !header(response, 'Location')) problems.push(`${label(op)} 201: Location`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has reusable error responses for 400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500 and 503', () => {
    expect(Object.keys(doc.components.responses).sort()).toEqual(
      [
        'BadRequest',
        'Unauthorized',
        'Forbidden',
        'NotFound',
        'MethodNotAllowed',
        'NotAcceptable',
        'Conflict',
        'ContentTooLarge',
        'UnsupportedMediaType',
        'ValidationFailed',
        'RateLimited',
        'InternalError',
        'ServiceUnavailable',
      ].sort(),
    );
  });

  it('secures everything with bearerAuth except the public routes, which override security with []', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque token or JWT' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const op of operations) {
      const responses = op.operation.responses as JsonObject;
      if (PUBLIC.includes(label(op))) {
        expect({ op: label(op), security: op.operation.security }).toEqual({ op: label(op), security: [] });
        expect(responses['401']).toBeUndefined();
      } else {
        expect({ op: label(op), security: op.operation.security }).toEqual({ op: label(op), security: undefined });
        expect({ op: label(op), has401: '401' in responses, has403: '403' in responses }).toEqual({ op: label(op), has401: true, has403: true });
      }
    }
  });

  it('documents 400, 413, 415 and 422 for every operation with a JSON body, and 500 everywhere', () => {
    for (const op of operations) {
      const statuses = Object.keys(op.operation.responses as JsonObject);
      expect({ op: label(op), has500: statuses.includes('500') }).toEqual({ op: label(op), has500: true });
      if (!op.operation.requestBody) continue;
      const body = deref(op.operation.requestBody);
      expect(Object.keys(body.content as JsonObject)).toEqual(['application/json']);
      expect({ op: label(op), statuses: ['400', '413', '415', '422'].filter((s) => statuses.includes(s)) }).toEqual({
        op: label(op),
        statuses: ['400', '413', '415', '422'],
      });
    }
  });

  it('defines every path parameter of every template, and no others', () => {
    for (const op of operations) {
      const item = doc.paths[op.routePath];
      const params = [...((item.parameters ?? []) as unknown[]), ...((op.operation.parameters ?? []) as unknown[])].map(deref);
      const inPath = params.filter((p) => p.in === 'path');
      const names = [...op.routePath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect({ op: label(op), params: inPath.map((p) => p.name).sort() }).toEqual({ op: label(op), params: [...names].sort() });
      for (const p of inPath) expect(p.required).toBe(true);
    }
  });

  it('is self-contained: every $ref is local and resolves', () => {
    const unresolved: string[] = [];
    let refs = 0;
    walk(doc, (value, at) => {
      if (at[at.length - 1] !== '$ref' || typeof value !== 'string') return;
      refs++;
      if (!value.startsWith('#') || resolvePointer(value) === undefined) unresolved.push(value);
    });
    expect(refs).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  it('holds the repository schemas with their $defs as components of their own, no $defs or $id left', () => {
    const evidence = doc.components.schemas.Evidence;
    expect(evidence.title).toBe('Dokumentation fra et tilbud (evidence)');
    expect((evidence.properties as JsonObject).provider).toEqual({ $ref: '#/components/schemas/EvidenceProvider' });
    expect(doc.components.schemas.RulesetCondition.else).toEqual({ $ref: '#/components/schemas/RulesetLeaf' });
    for (const name of ['Evidence', 'Ruleset']) expect(Object.keys(doc.components.schemas[name]).filter((k) => ['$id', '$schema', '$defs'].includes(k))).toEqual([]);
    expect(openapiYaml()).not.toMatch(/\$defs:|\$id:|\$ref: '?\.?\/?schemas\//);
  });

  it('reads the same under YAML 1.1 (PyYAML, older tools) as under YAML 1.2: no bare n, yes, off or dates', () => {
    expect(YAML.parse(openapiYaml(), { version: '1.1' })).toEqual(doc);
  });
});

describe('openapi.yaml: examples', () => {
  type Example = { where: string; value: unknown };
  function examplesOf(media: JsonObject, where: string): Example[] {
    const out: Example[] = [];
    for (const [name, raw] of Object.entries((media.examples ?? {}) as JsonObject)) out.push({ where: `${where} example ${name}`, value: deref(raw).value });
    if ('example' in media) out.push({ where: `${where} example`, value: media.example });
    return out;
  }

  it('every request example follows its request schema', () => {
    let count = 0;
    for (const op of operations) {
      if (!op.operation.requestBody) continue;
      const media = (deref(op.operation.requestBody).content as JsonObject)['application/json'] as JsonObject;
      for (const ex of examplesOf(media, label(op))) {
        count++;
        expect({ where: ex.where, errors: validateRequestBody(op.method, op.routePath, ex.value) }).toEqual({ where: ex.where, errors: [] });
      }
    }
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it('every response example follows its response schema', () => {
    let count = 0;
    for (const op of operations) {
      for (const [status, raw] of Object.entries(op.operation.responses as JsonObject)) {
        for (const [type, media] of Object.entries((deref(raw).content ?? {}) as JsonObject)) {
          for (const ex of examplesOf(media as JsonObject, `${label(op)} ${status} ${type}`)) {
            count++;
            expect({ where: ex.where, errors: validateResponse(op.method, op.routePath, Number(status), type, ex.value) }).toEqual({ where: ex.where, errors: [] });
          }
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(20);
  });

  it('the Danish evidence example for POST /v1/evaluations is valid under schemas/evidence.schema.json', () => {
    const media = (doc.paths['/v1/evaluations'].post as JsonObject).requestBody as JsonObject;
    const example = (((media.content as JsonObject)['application/json'] as JsonObject).examples as JsonObject).autismetilbudAarhus as JsonObject;
    const value = example.value as { speciale: string; level: string; evidence: { provider: { cvr: string; kommunekode: string } } };
    expect(value.speciale).toBe('autisme');

    // Straight from the repository file, independent of the bundling.
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(projectRoot(), 'schemas/evidence.schema.json'), 'utf8')));
    expect(validate(value.evidence) ? [] : validate.errors).toEqual([]);

    // A provider in Aarhus (Socialtilsyn Midt) with a CVR number that passes the modulus-11 check.
    expect(value.evidence.provider.kommunekode).toBe('751');
    const weights = [2, 7, 6, 5, 4, 3, 2, 1];
    const sum = [...value.evidence.provider.cvr].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
    expect(sum % 11).toBe(0);
  });
});
