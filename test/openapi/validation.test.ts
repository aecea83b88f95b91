import { matchPath, type InvalidParam, matchRoute, openapiDocument, validateRequestBody, type JsonObject } from '../../src/http/openapi';
import { validateResponse, validateResponseHeaders } from '../support/contractResponses';

/** What tests assert: where and which rule, not the sentence. */
function codes(errors: InvalidParam[]): { pointer: string; code: string }[] {
  return errors.map(({ pointer, code }) => ({ pointer, code }));
}

function exampleEvaluationRequest(): Record<string, unknown> {
  const paths = openapiDocument().paths as Record<string, JsonObject>;
  const body = (paths['/v1/evaluations'].post as JsonObject).requestBody as JsonObject;
  const example = (((body.content as JsonObject)['application/json'] as JsonObject).examples as JsonObject).autismetilbudAarhus as JsonObject;
  return structuredClone(example.value) as Record<string, unknown>;
}

describe('validateRequestBody', () => {
  it('accepts a valid body', () => {
    expect(codes(validateRequestBody('post', '/v1/evaluations', exampleEvaluationRequest()))).toEqual([]);
    expect(codes(validateRequestBody('POST', '/v1/approvals', { evaluationId: 'e1', decision: 'approved', reason: 'ok' }))).toEqual([]);
  });

  it('reports every error, each with a JSON Pointer into the body, including nested evidence', () => {
    const body = exampleEvaluationRequest();
    const evidence = body.evidence as Record<string, any>;
    delete body.speciale;
    body.level = 'hovedfunktion';
    body.version = '1.0';
    body.asOf = '2026-02-30';
    body.extra = true;
    evidence.provider.cvr = '2918984';
    delete evidence.provider.name;
    evidence.staff[1].fte = 0;
    evidence.staff[2].educations[0].year = '2012';
    evidence.organisation.methods = ['teacch', 'teacch'];
    evidence.citizenCourses = {};
    const errors = validateRequestBody('post', '/v1/evaluations', body);
    expect(codes(errors)).toEqual(
      expect.arrayContaining([
        { pointer: '/speciale', code: 'required-property-missing' },
        { pointer: '/level', code: 'value-not-allowed' },
        { pointer: '/version', code: 'pattern-mismatch' },
        { pointer: '/asOf', code: 'format-mismatch' },
        { pointer: '/extra', code: 'unknown-property' },
        { pointer: '/evidence/provider/cvr', code: 'pattern-mismatch' },
        { pointer: '/evidence/provider/name', code: 'required-property-missing' },
        { pointer: '/evidence/staff/1/fte', code: 'below-minimum' },
        { pointer: '/evidence/staff/2/educations/0/year', code: 'wrong-type' },
        { pointer: '/evidence/organisation/methods', code: 'duplicate-items' },
        { pointer: '/evidence/citizenCourses', code: 'too-few-properties' },
      ]),
    );
    expect(errors).toHaveLength(11);
  });

  it('escapes property names in pointers (RFC 6901)', () => {
    const errors = validateRequestBody('post', '/v1/approvals/{id}/revoke', { reason: 'x', 'a/b~c': 1 });
    expect(codes(errors)).toEqual([{ pointer: '/a~1b~0c', code: 'unknown-property' }]);
  });

  it('names the place of a CPR-like value, never the value', () => {
    const body = exampleEvaluationRequest();
    (body.evidence as any).provider.tilbudId = '010190-1234';
    (body.evidence as any).provider.cvr = '0101901234';
    const errors = validateRequestBody('post', '/v1/evaluations', body);
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/evidence/provider/cvr', '/evidence/provider/tilbudId']);
    expect(JSON.stringify(errors)).not.toMatch(/010190/);
  });

  it('validates every operation with a JSON body against its own schema', () => {
    expect(codes(validateRequestBody('post', '/v1/approvals', { evaluationId: 'e1', decision: 'maybe', reason: '' }))).toEqual([
      { pointer: '/decision', code: 'value-not-allowed' },
      { pointer: '/reason', code: 'too-short' },
    ]);
    expect(codes(validateRequestBody('post', '/v1/approvals/{id}/revoke', { expectedVersion: 'x' }))).toEqual([
      { pointer: '/reason', code: 'required-property-missing' },
      { pointer: '/expectedVersion', code: 'wrong-type' },
    ]);
    expect(codes(validateRequestBody('post', '/v1/approvals/{id}/renew', { evaluationId: 'e2', validUntil: '31-12-2030', expectedVersion: 0 }))).toEqual([
      { pointer: '/validUntil', code: 'format-mismatch' },
      { pointer: '/expectedVersion', code: 'below-minimum' },
    ]);
    expect(codes(validateRequestBody('post', '/v1/specialer/{speciale}/impact', { version: '1.1.0', extra: 1 }))).toEqual([{ pointer: '/extra', code: 'unknown-property' }]);
    expect(codes(validateRequestBody('post', '/v1/specialer/{speciale}/impact', { version: '1.1.0', against: '1.0.0' }))).toEqual([{ pointer: '/draft', code: 'dependent-property-missing' }]);
    expect(codes(validateRequestBody('post', '/v1/specialer/{speciale}/impact', {}))).toEqual([
      { pointer: '/version', code: 'required-property-missing' },
      { pointer: '/draft', code: 'required-property-missing' },
    ]);
    expect(codes(validateRequestBody('post', '/v1/specialer/{speciale}/impact', { draft: { speciale: 'autisme' } }))).toEqual(
      expect.arrayContaining([{ pointer: '/draft/version', code: 'required-property-missing' }, { pointer: '/draft/levels', code: 'required-property-missing' }]),
    );
    expect(codes(validateRequestBody('post', '/v1/providers/{tilbudId}/capacity-changes', { change: 'places', effectiveFrom: '2026-11-01', description: 'Udvidelse fra 24 til 30 pladser' }))).toEqual([]);
  });

  it('refuses a body that is not an object, and a missing body', () => {
    expect(codes(validateRequestBody('post', '/v1/approvals', [1]))).toEqual([{ pointer: '', code: 'wrong-type' }]);
    expect(codes(validateRequestBody('post', '/v1/approvals', undefined))).toEqual([{ pointer: '', code: 'required-property-missing' }]);
  });

  it('gives the same answer from its cached validator', () => {
    const body = { reason: '' };
    expect(validateRequestBody('post', '/v1/approvals/{id}/revoke', body)).toEqual(validateRequestBody('post', '/v1/approvals/{id}/revoke', body));
  });

  it('throws for an operation that has no JSON body (a programming error, not a client error)', () => {
    expect(() => validateRequestBody('get', '/v1/approvals', {})).toThrow(/no application\/json request body/);
    expect(() => validateRequestBody('post', '/v1/nothing', {})).toThrow();
  });
});

describe('matchRoute and matchPath', () => {
  it('finds the template and decodes the parameters', () => {
    expect(matchRoute('POST', '/v1/approvals/ab%20c/revoke')).toEqual({ routePath: '/v1/approvals/{id}/revoke', params: { id: 'ab c' } });
    expect(matchRoute('get', '/v1/specialer/autisme/rulesets/1.0.0?x=1')).toEqual({
      routePath: '/v1/specialer/{speciale}/rulesets/{version}',
      params: { speciale: 'autisme', version: '1.0.0' },
    });
    expect(matchRoute('GET', '/v1/approvals/')).toEqual({ routePath: '/v1/approvals', params: {} });
    expect(matchRoute('HEAD', '/health')).toEqual({ routePath: '/health', params: {} });
  });

  it('prefers literal segments to templated ones', () => {
    expect(matchRoute('GET', '/v1/audit/verify')).toEqual({ routePath: '/v1/audit/verify', params: {} });
    expect(matchRoute('POST', '/v1/rechecks/runs')).toEqual({ routePath: '/v1/rechecks/runs', params: {} });
  });

  it('answers undefined for an unknown path or a method the path lacks; matchPath still finds the path', () => {
    expect(matchRoute('GET', '/v1/nothing')).toBeUndefined();
    expect(matchRoute('GET', '/v1/approvals/a/b/c')).toBeUndefined();
    expect(matchRoute('DELETE', '/v1/approvals/abc')).toBeUndefined();
    expect(matchPath('/v1/approvals/abc')).toEqual({ routePath: '/v1/approvals/{id}', params: { id: 'abc' }, methods: ['GET'] });
    expect(matchPath('/v1/approvals')?.methods.sort()).toEqual(['GET', 'POST']);
  });
});

describe('validateResponse', () => {
  // A problem of each status, typed by one of the status's codes (src/problems/codes.ts).
  const CODE_OF: Record<number, string> = { 400: 'malformed-json', 401: 'unauthenticated', 404: 'not-found', 405: 'method-not-allowed', 409: 'approval-changed', 422: 'validation-failed' };
  const problem = (status: number, extra: Record<string, unknown> = {}) => ({ type: `https://specialfunktion.dk/problems/${CODE_OF[status]}`, title: 'T', status, ...extra });

  it('accepts a documented status, content type and body', () => {
    expect(validateResponse('get', '/health', 200, 'application/json; charset=utf-8', { status: 'ok' })).toEqual([]);
    expect(validateResponse('get', '/v1/approvals/{id}', 404, 'application/problem+json; charset=utf-8', problem(404))).toEqual([]);
  });

  it('reports a body that does not follow the schema', () => {
    const errors = validateResponse('get', '/ready', 200, 'application/json', { status: 'ready', store: 'ok', integrity: { status: 'unchecked' }, rules: { specialer: 1 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\/rules\/versions/);
  });

  it('reports an undocumented status or content type', () => {
    expect(validateResponse('get', '/health', 418, 'application/json', {})[0]).toMatch(/418 is not documented/);
    expect(validateResponse('get', '/health', 200, 'text/plain', 'ok')[0]).toMatch(/content type 'text\/plain' is not documented/);
    expect(validateResponse('get', '/v1/approvals/{id}', 404, 'application/json', problem(404))[0]).toMatch(/not documented/);
  });

  it('checks the 422 and 409 extensions', () => {
    expect(validateResponse('post', '/v1/evaluations', 422, 'application/problem+json', problem(422))[0]).toMatch(/errors/);
    expect(validateResponse('post', '/v1/evaluations', 422, 'application/problem+json', problem(422, { errors: [{ pointer: '/a', code: 'required', message: 'x' }] }))).toEqual([]);
    // Every invalid parameter names its code.
    expect(validateResponse('post', '/v1/evaluations', 422, 'application/problem+json', problem(422, { errors: [{ pointer: '/a', message: 'x' }] })).join('\n')).toMatch(/code/);
    // A type that is not a listed code is not a problem this service answers.
    expect(validateResponse('post', '/v1/evaluations', 422, 'application/problem+json', { ...problem(422, { errors: [{ pointer: '/a', code: 'required', message: 'x' }] }), type: 'https://specialfunktion.dk/problems/422' }).length).toBeGreaterThan(0);
    expect(
      validateResponse('post', '/v1/approvals', 409, 'application/problem+json', problem(409, { unmetRequirements: [{ id: 'AUT-SF-01', title: 'x', outcome: 'not-met' }] })),
    ).toEqual([]);
    expect(validateResponse('post', '/v1/approvals', 409, 'application/problem+json', problem(409, { unmetRequirements: [{ id: 'AUT-SF-01' }] })).length).toBeGreaterThan(0);
  });

  it('accepts what the service answers before routing on paths and methods the contract lacks', () => {
    expect(validateResponse('PUT', '/v1/evaluations', 405, 'application/problem+json', problem(405))).toEqual([]);
    expect(validateResponse('PUT', '/v1/evaluations', 401, 'application/problem+json', problem(401))).toEqual([]);
    expect(validateResponse('PUT', '/v1/evaluations', 200, 'application/json', {})[0]).toMatch(/not an operation/);
    expect(validateResponse('GET', undefined, 404, 'application/problem+json', problem(404))).toEqual([]);
    expect(validateResponse('GET', undefined, 200, 'application/json', {})[0]).toMatch(/not in openapi.yaml/);
  });

  it('checks text responses by content type only', () => {
    expect(validateResponse('get', '/v1/evaluations/{id}', 200, 'text/html; charset=utf-8', '<html></html>')).toEqual([]);
    expect(validateResponse('get', '/v1/specialer/{speciale}/rulesets/{version}', 200, 'text/markdown; charset=utf-8', '# x')).toEqual([]);
  });
});

describe('validateResponseHeaders', () => {
  it('requires the documented headers and checks their form', () => {
    expect(validateResponseHeaders('get', '/v1/approvals/{id}', 200, { 'x-request-id': 'abcdefgh-1234', etag: '"3"' })).toEqual([]);
    const errors = validateResponseHeaders('get', '/v1/approvals/{id}', 200, { etag: 'W/"3"' });
    expect(errors).toHaveLength(2);
    expect(errors.join('\n')).toMatch(/X-Request-Id is missing/);
    expect(errors.join('\n')).toMatch(/ETag/);
    expect(validateResponseHeaders('post', '/v1/evaluations', 401, { 'x-request-id': 'abcdefgh-1234' })[0]).toMatch(/WWW-Authenticate/);
    expect(validateResponseHeaders('PATCH', '/v1/approvals/{id}', 405, { 'x-request-id': 'abcdefgh-1234', allow: 'GET' })).toEqual([]);
  });
});
