import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { bearer, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/** Issue 13.1 and 13.7: no work before authentication, bounded error answers, UTF-8 only. */
let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

const MAX_ANSWER = 256 * 1024;
const PROBLEM = 'https://specialfunktion.dk/problems/';

/** About 1 MB of JSON: 80,000 CPR-like strings (ddmmyyxxxx). */
function cprFlood(): string {
  const values = Array.from({ length: 80_000 }, (_, i) => `${String((i % 28) + 1).padStart(2, '0')}0190${String(1000 + (i % 9000))}`);
  return JSON.stringify({ speciale: 'testspeciale', level: 'specialfunktion', evidence: values });
}

const PROTECTED_POSTS = ['/v1/evaluations', '/v1/approvals', '/v1/advisory-assignments', '/v1/rechecks/runs', '/v1/specialer/testspeciale/impact', '/v1/approvals/x/revoke'];

describe('authentication before the body', () => {
  it('answers an anonymous 1 MB body of 80,000 CPR-like strings 401, small and fast, without parsing it', async () => {
    const body = cprFlood();
    expect(body.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const res = await request(svc.app).post('/v1/evaluations').set('Content-Type', 'application/json').send(body);
    const ms = performance.now() - started;
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.text.length).toBeLessThan(1024);
    expect(res.text).not.toMatch(/pointer/);
    expect(ms).toBeLessThan(1_000);
  });

  it.each(PROTECTED_POSTS)('answers 401 to an anonymous body that is not even JSON on %s (the body is never parsed)', async (url) => {
    const res = await request(svc.app).post(url).set('Content-Type', 'application/json').send('{"not json');
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
  });

  it('answers 401, not 413, to an anonymous body over the size limit', async () => {
    const res = await request(svc.app).post('/v1/evaluations').set('Content-Type', 'application/json').send(JSON.stringify({ x: 'a'.repeat(2_000_000) }));
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
  });

  it('answers 401, not 422, to an anonymous body with a CPR number in it', async () => {
    const res = await request(svc.app).post('/v1/evaluations').send({ note: '010190-1234' });
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
  });
});

describe('bounded error answers', () => {
  it('lists the first 100 of 80,000 CPR-like values for an authenticated caller, with the total, in at most 256 KB', async () => {
    const started = performance.now();
    const res = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).set('Content-Type', 'application/json').send(cprFlood());
    const ms = performance.now() - started;
    expectResponseMatchesSpec(res);
    expectProblem(res, 422, 'cpr-refused');
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.errorCount).toBe(80_000);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/evidence/0', code: 'cpr-refused' });
    expect(res.text.length).toBeLessThanOrEqual(MAX_ANSWER);
    expect(res.text).not.toMatch(/0101901000/);
    expect(ms).toBeLessThan(5_000);
  });

  it('gives the total with every error list, also a short one', async () => {
    const res = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'nope', evidence: {} });
    expectResponseMatchesSpec(res);
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errorCount).toBe(res.body.errors.length);
  });
});

describe('character sets', () => {
  it('refuses a body declared as UTF-16 with 415 unsupported-charset', async () => {
    const res = await request(svc.app)
      .post('/v1/evaluations')
      .set('Authorization', bearer('midt'))
      .set('Content-Type', 'application/json; charset=utf-16')
      .send(Buffer.from('\ufeff{"speciale":"testspeciale"}', 'utf16le'));
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(415);
    expect(res.body.type).toBe(`${PROBLEM}unsupported-charset`);
  });

  it.each(['utf-8', 'UTF-8', '"utf-8"'])('takes charset=%s', async (charset) => {
    const res = await request(svc.app)
      .post('/v1/evaluations')
      .set('Authorization', bearer('midt'))
      .set('Content-Type', `application/json; charset=${charset}`)
      .send(JSON.stringify({ speciale: 'testspeciale', level: 'nope', evidence: {} }));
    expectResponseMatchesSpec(res);
    expectProblem(res, 422, 'validation-failed');
  });

  it('answers an anonymous UTF-16 body 401 first', async () => {
    const res = await request(svc.app).post('/v1/evaluations').set('Content-Type', 'application/json; charset=utf-16').send(Buffer.from('{}', 'utf16le'));
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
  });
});
