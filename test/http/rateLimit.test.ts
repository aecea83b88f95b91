import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { bearer, startTestService, type TestService } from '../support/testService';

/** Issue 13.2: requests to the public routes are limited per client; /health and /ready never. */
let svc: TestService;
afterEach(async () => {
  await svc.close();
});

const LIMIT = 3;

describe('the public rate limit', () => {
  beforeEach(async () => {
    svc = await startTestService({ publicRateLimitPerMinute: LIMIT });
  });

  it('answers the request after the limit 429 rate-limited with Retry-After', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const ok = await request(svc.app).get('/v1/register');
      expectResponseMatchesSpec(ok);
      expect(ok.status).toBe(200);
    }
    const limited = await request(svc.app).get('/v1/register');
    expectResponseMatchesSpec(limited);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body.type).toBe('https://specialfunktion.dk/problems/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The criteria are public too, and count against the same client.
    const criteria = await request(svc.app).get('/v1/specialer');
    expectResponseMatchesSpec(criteria);
    expect(criteria.status).toBe(429);
  });

  it('never limits /health or /ready', async () => {
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await request(svc.app).get('/health')).status).toBe(200);
      expect((await request(svc.app).get('/ready')).status).toBe(200);
    }
    expect((await request(svc.app).get('/v1/register')).status).toBe(200);
  });

  it('leaves protected routes to authentication: they refuse an anonymous request before reading its body', async () => {
    for (let i = 0; i < LIMIT * 2; i++) expect((await request(svc.app).post('/v1/evaluations').send({})).status).toBe(401);
    for (let i = 0; i < LIMIT * 2; i++) expect((await request(svc.app).get('/v1/approvals').set('Authorization', bearer('midt'))).status).toBe(200);
  });
});

describe('behind a load balancer', () => {
  beforeEach(async () => {
    svc = await startTestService({ publicRateLimitPerMinute: LIMIT, trustProxy: 1 });
  });

  it('counts each client by X-Forwarded-For when TRUST_PROXY trusts the proxy', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await request(svc.app).get('/v1/register').set('X-Forwarded-For', '203.0.113.7')).status).toBe(200);
    expect((await request(svc.app).get('/v1/register').set('X-Forwarded-For', '203.0.113.7')).status).toBe(429);
    expect((await request(svc.app).get('/v1/register').set('X-Forwarded-For', '198.51.100.9')).status).toBe(200);
  });
});
