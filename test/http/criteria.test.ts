import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { ruleset } from '../support/builders';
import { startTestService, type TestService } from '../support/testService';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({
    rulesets: [ruleset(), ruleset({ version: '1.1.0', effectiveFrom: '2027-07-01' }), ruleset({ version: '2.0.0', status: 'draft', effectiveFrom: '2028-01-01' })],
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
    expect(json.headers.etag).toMatch(/^"sha256:[0-9a-f]{64}"$/);
    const md = await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'text/markdown');
    expect(md.status).toBe(200);
    expect(md.text).toContain('TST-SF-02');
    const html = await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'text/html');
    expect(html.status).toBe(200);
    expect(html.text).toMatch(/<html/i);
  });

  it('answers 404 for an unknown speciale or version and 406 for an unknown media type', async () => {
    expect((await get('/v1/specialer/ukendt/rulesets')).status).toBe(404);
    expect((await get('/v1/specialer/testspeciale/rulesets/9.9.9')).status).toBe(404);
    expect((await get('/v1/specialer/testspeciale/rulesets/1.0.0', 'application/pdf')).status).toBe(406);
  });

  it('answers 405 for writing to the criteria', async () => {
    const res = await request(svc.app).post('/v1/specialer').send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
  });

  it('serves the contract and Swagger UI', async () => {
    const yaml = await request(svc.app).get('/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.text).toMatch(/^openapi: 3\.1/m);
    const docs = await request(svc.app).get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it('reports liveness and readiness', async () => {
    expect((await get('/health')).body).toEqual({ status: 'ok' });
    expect((await get('/ready')).body).toEqual({ status: 'ready', store: 'ok', rules: { specialer: 1, versions: 3 } });
  });
});
