import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { projectRoot } from '../../src/http/openapi';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { ruleset } from '../support/builders';
import { startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({
    rulesets: [{ ...ruleset(), $schema: '../../schemas/rule-file.schema.json' }, ruleset({ version: '1.1.0', effectiveFrom: '2027-07-01' }), ruleset({ version: '2.0.0', status: 'draft', effectiveFrom: '2028-01-01' })],
  });
});
afterAll(async () => {
  await svc.close();
});

async function get(url: string, accept = 'application/json') {
  const res = await request(svc.app).get(url).set('Accept', accept);
  if (accept === 'application/json') expectResponseMatchesSpec(res);
  return res;
}

describe('the published criteria (public)', () => {
  it('lists the specialer with their versions and the one in force today, without a token', async () => {
    const res = await get('/v1/specialer');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ speciale: 'testspeciale', title: { da: 'Testspeciale' }, versions: ['1.0.0', '1.1.0', '2.0.0'], inForce: '1.0.0' }]);
  });

  it('lists the versions of a speciale with status, hash and period in force', async () => {
    const res = await get('/v1/specialer/testspeciale/rulesets');
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ version: '1.0.0', status: 'published', inForceFrom: '2026-01-01', inForceUntil: '2027-06-30', hash: expect.stringMatching(/^sha256:/) });
    expect(res.body.items[1]).toMatchObject({ version: '1.1.0', inForceFrom: '2027-07-01', inForceUntil: null });
    expect(res.body.items[2]).toMatchObject({ version: '2.0.0', status: 'draft', inForceFrom: null });
  });

  it('serves a version as JSON with its hash as ETag, as Markdown and as HTML', async () => {
    const json = await get('/v1/specialer/testspeciale/rulesets/1.0.0');
    expect(json.status).toBe(200);
    expect(json.body.version).toBe('1.0.0');
    expect(json.body).not.toHaveProperty('$schema');
    expect(json.headers.etag).toMatch(/^"sha256:[0-9a-f]{64}"$/);
    const md = await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'text/markdown');
    expect(md.status).toBe(200);
    expect(md.text).toContain('TST-SF-02');
    const html = await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'text/html');
    expect(html.status).toBe(200);
    expect(html.text).toMatch(/<html/i);
  });

  it('answers 404 for an unknown speciale or version and 406 for an unknown media type', async () => {
    expectProblem(await get('/v1/specialer/ukendt/rulesets'), 404, 'speciale-not-found');
    expectProblem(await get('/v1/specialer/testspeciale/rulesets/9.9.9'), 404, 'ruleset-version-not-found');
    expectProblem(await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'application/pdf'), 406, 'not-acceptable');
  });

  it('answers 405 for writing to the criteria', async () => {
    const res = await request(svc.app).post('/v1/specialer').send({});
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('GET');
  });

  it('serves the contract exactly as openapi.yaml says it, and Swagger UI', async () => {
    const yaml = await request(svc.app).get('/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.text).toBe(readFileSync(path.join(projectRoot(), 'openapi.yaml'), 'utf8'));
    const docs = await request(svc.app).get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it('reports liveness and readiness', async () => {
    expect((await get('/health')).body).toEqual({ status: 'ok' });
    expect((await get('/ready')).body).toEqual({ status: 'ready', store: 'ok', integrity: { status: 'ok', checkedAt: expect.any(String), entries: 0, head: null, approvals: 0 }, rules: { specialer: 1, versions: 3 } });
  });

  it('refuses a CPR-like query value 422 on health, readiness, the contract and the docs too', async () => {
    for (const url of ['/health?x=0101901234', '/ready?note=010190-1234', '/openapi.yaml?x=01019%301234%ZZ', '/docs/?x=0101901234', '/health?0101901234']) {
      const res = await request(svc.app).get(url);
      expectResponseMatchesSpec(res);
      expect({ url, status: res.status }).toEqual({ url, status: 422 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors[0].pointer).toMatch(/^query/);
      expect(JSON.stringify(res.body)).not.toMatch(/010190/);
    }
    expect((await get('/health?x=29189846')).status).toBe(200);
  });
});

describe('a body sent with a read', () => {
  it('is ignored for GET and HEAD: no 400, 413 or 415 for a broken, foreign or oversized body', async () => {
    for (const [type, payload] of [['application/json', '{broken'], ['text/plain', 'hej'], ['application/json', `{"x":"${'a'.repeat(1_100_000)}"}`], ['application/json', '{"cpr":"0101901234"}']]) {
      const res = await request(svc.app).get('/v1/specialer').set('Content-Type', type).send(payload);
      expectResponseMatchesSpec(res);
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
    }
    const head = await request(svc.app).head('/health').set('Content-Type', 'application/json').send('{broken');
    expect(head.status).toBe(200);
    // Behind a token, a read with a body gets the documented 401, not a 400 from the body parser.
    const guarded = await request(svc.app).get('/v1/approvals').set('Content-Type', 'application/json').send('{broken');
    expectResponseMatchesSpec(guarded);
    expectProblem(guarded, 401, 'unauthenticated');
  });
});

describe('conditional GETs per representation', () => {
  async function conditional(url: string, accept: string, etag: string) {
    const res = await request(svc.app).get(url).set('Accept', accept).set('If-None-Match', etag);
    expectResponseMatchesSpec(res);
    return res;
  }

  it('gives each media type of a rule set its own ETag, and 304 only for the same one', async () => {
    const url = '/v1/specialer/testspeciale/rulesets/1.0.0';
    const tags: Record<string, string> = {};
    for (const accept of ['application/json', 'text/markdown', 'text/html']) {
      const res = await request(svc.app).get(url).set('Accept', accept);
      expectResponseMatchesSpec(res);
      expect(res.headers.vary).toMatch(/Accept/);
      tags[accept] = res.headers.etag;
    }
    expect(new Set(Object.values(tags)).size).toBe(3);
    for (const [accept, etag] of Object.entries(tags)) {
      expect((await conditional(url, accept, etag)).status).toBe(304);
      for (const other of Object.keys(tags).filter((a) => a !== accept)) {
        const res = await conditional(url, other, etag);
        expect({ accept: other, etag, status: res.status }).toEqual({ accept: other, etag, status: 200 });
      }
    }
  });

  it('gives the register as JSON and as CSV different ETags, and 304 only for the same one', async () => {
    const json = await request(svc.app).get('/v1/register');
    const csv = await request(svc.app).get('/v1/register').set('Accept', 'text/csv');
    for (const res of [json, csv]) {
      expectResponseMatchesSpec(res);
      expect(res.headers.vary).toMatch(/Accept/);
    }
    expect(csv.headers.etag).not.toBe(json.headers.etag);
    expect((await conditional('/v1/register', 'text/csv', json.headers.etag)).status).toBe(200);
    expect((await conditional('/v1/register', 'application/json', csv.headers.etag)).status).toBe(200);
    expect((await conditional('/v1/register', 'text/csv', csv.headers.etag)).status).toBe(304);
    expect((await conditional('/v1/register', 'application/json', json.headers.etag)).status).toBe(304);
  });
});
