import request from 'supertest';
import { listOperations, matchPath } from '../../src/http/openapi';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { bearer, startTestService, type TestService } from '../support/testService';

/** A documented path called with a method it does not have: 405 with the contract's own list in `Allow`. */

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

const PATH_VALUES: Record<string, string> = { speciale: 'testspeciale', version: '1.0.0', id: '5b2e8f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', n: '1', tilbudId: '408215' };
const paths = [...new Set(listOperations().map((op) => op.routePath))].map((routePath) => ({
  routePath,
  url: routePath.replace(/\{([^}]+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x'),
  documented: listOperations()
    .filter((op) => op.routePath === routePath)
    .map((op) => op.method.toUpperCase()),
}));

describe('methods a path does not have', () => {
  it.each(paths.map((p) => [p.url, p] as const))('%s answers an undocumented method with 405 and Allow from openapi.yaml', async (_url, p) => {
    const method = (['DELETE', 'PUT', 'PATCH', 'POST'] as const).find((m) => !p.documented.includes(m)) as string;
    const res = await request(svc.app)[method.toLowerCase() as 'delete'](p.url).set('Authorization', bearer('admin'));
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(p.documented.join(', '));
    expect(matchPath(p.url)?.methods).toEqual(p.documented);
  });

  it('answers a public path before authentication, and a protected one only after it', async () => {
    const pub = await request(svc.app).post('/v1/specialer');
    expect(pub.status).toBe(405);
    expect(pub.headers.allow).toBe('GET');
    const anonymous = await request(svc.app).delete('/v1/approvals');
    expect(anonymous.status).toBe(401);
  });

  it('answers HEAD where GET is documented', async () => {
    expect((await request(svc.app).head('/v1/specialer')).status).toBe(200);
  });
});
