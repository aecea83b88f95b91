import request from 'supertest';
import { listOperations, queryContract } from '../../src/http/openapi';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { apiCaller, bearer, startTestService, type TestService } from '../support/testService';

/** An unknown query parameter is refused with 400 unknown-query-parameter on every route the contract has. */

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);
const UNKNOWN = 'https://specialfunktion.dk/problems/unknown-query-parameter';

/** Operational routes answered before any route checks its query: probes and tools may add their own parameters. */
const LENIENT = ['/health', '/ready', '/openapi.yaml'];

const PATH_VALUES: Record<string, string> = { speciale: 'testspeciale', version: '1.0.0', id: '5b2e8f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', n: '1', tilbudId: '408215' };
const operations = listOperations()
  .filter((op) => !LENIENT.includes(op.routePath))
  .map((op) => ({ method: op.method as 'get' | 'post', routePath: op.routePath, url: op.routePath.replace(/\{([^}]+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x') }));

describe('unknown query parameters', () => {
  it('covers every route family', () => {
    const families = new Set(operations.map((op) => op.routePath.split('/')[2]));
    expect([...families].sort()).toEqual(expect.arrayContaining(['advisory-assignments', 'approvals', 'audit', 'capacity', 'evaluations', 'providers', 'rechecks', 'register', 'specialer', 'worklist']));
  });

  it.each(operations.map((op) => [op.method.toUpperCase(), op.url, op] as const))('%s %s refuses ?tilbudid= with 400, naming it and the known ones', async (_m, _u, op) => {
    const res = await call(op.method, `${op.url}?tilbudid=408215`, 'admin', op.method === 'post' ? {} : undefined);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe(UNKNOWN);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'query:tilbudid', code: 'unknown-query-parameter' })]);
    expect(res.body.knownParameters).toEqual(queryContract(op.method, op.routePath)?.names);
  });

  it('refuses ?format=csv on the public register (CSV is asked for with Accept), anonymously', async () => {
    const res = await request(svc.app).get('/v1/register?format=csv');
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(UNKNOWN);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'query:format', code: 'unknown-query-parameter' })]);
    expect(res.body.knownParameters).toEqual(['separator']);
  });

  it('refuses an unknown parameter on the public criteria anonymously, and answers the known ones', async () => {
    const unknown = await request(svc.app).get('/v1/specialer?speciale=autisme');
    expectResponseMatchesSpec(unknown);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ pointer: 'query:speciale', code: 'unknown-query-parameter' });
    const known = await request(svc.app).get('/v1/specialer');
    expect(known.status).toBe(200);
  });

  it('names every unknown parameter once, and the known ones', async () => {
    const res = await call('get', '/v1/approvals?tilbudid=1&format=csv&status=active', 'admin');
    expect([res.status, res.body.type]).toEqual([400, UNKNOWN]);
    expect(res.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`)).toEqual(['query:tilbudid unknown-query-parameter', 'query:format unknown-query-parameter']);
    expect(res.body.knownParameters).toContain('tilbudId');
    expect(res.body.knownParameters).toContain('status');
  });

  it('keeps a known parameter with a bad value a 422', async () => {
    const res = await call('get', '/v1/approvals?status=sleeping', 'admin');
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: 'query:status', code: 'value-not-allowed' });
  });

  it('answers a known parameter as before', async () => {
    expect((await call('get', '/v1/approvals?tilbudId=408215', 'admin')).status).toBe(200);
    expect((await call('get', '/v1/audit?limit=5', 'admin')).status).toBe(200);
  });

  it('asks for a token first on a protected route: an anonymous caller gets 401, not the parameter lists', async () => {
    const res = await request(svc.app).get('/v1/approvals?tilbudid=1');
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(401);
  });

  it('leaves probes, the contract and the docs alone', async () => {
    for (const url of ['/health?probe=1', '/ready?probe=1', '/openapi.yaml?v=2']) {
      const res = await request(svc.app).get(url);
      expect([url, res.status]).toEqual([url, 200]);
    }
    const docs = await request(svc.app).get('/docs/?url=x');
    expect(docs.status).toBeLessThan(400);
  });

  it('refuses a CPR-like parameter name as CPR (422), never naming it', async () => {
    const res = await call('get', '/v1/approvals?010190-1234=1', 'admin');
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('010190');
  });

  it('leaves an unknown path or method to the 404 and 405 answers', async () => {
    expect((await call('get', '/v1/nothing-here?x=1', 'admin')).status).toBe(404);
    const res = await request(svc.app).delete('/v1/approvals?x=1').set('Authorization', bearer('admin'));
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(405);
  });
});

describe('known query parameters with a bad value', () => {
  it.each([
    ['/v1/approvals?limit=0', 'query:limit', 'below-minimum'],
    ['/v1/approvals?limit=201', 'query:limit', 'above-maximum'],
    ['/v1/approvals?limit=tyve', 'query:limit', 'wrong-type'],
    ['/v1/approvals?limit=1&limit=2', 'query:limit', 'repeated-query-parameter'],
    ['/v1/approvals?level=hovedfunktion', 'query:level', 'value-not-allowed'],
    ['/v1/approvals?expiringBefore=2026-02-30', 'query:expiringBefore', 'format-mismatch'],
    ['/v1/evaluations?tilbudId=12a', 'query:tilbudId', 'pattern-mismatch'],
    ['/v1/worklist?kind=alt', 'query:kind', 'value-not-allowed'],
    ['/v1/audit?afterSeq=99999999999999999999', 'query:afterSeq', 'above-maximum'],
    ['/v1/audit/verify?head=42', 'query:head', 'pattern-mismatch'],
  ])('GET %s is 422 naming %s with %s, as openapi.yaml describes the parameter', async (url, pointer, code) => {
    const res = await call('get', url, 'admin');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer, code })]);
  });

  it('reads a boolean parameter as the contract types it', async () => {
    const res = await call('post', '/v1/evaluations?dryRun=kanske', 'admin', {});
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'query:dryRun', code: 'wrong-type' })]);
  });
});
