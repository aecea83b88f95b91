import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { expectProblem } from '../support/problemCodes';
import { bearer, startTestService, type TestService } from '../support/testService';

let svc: TestService;
beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

const body = (overrides: Record<string, unknown> = {}) => ({ speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence(), ...overrides });

async function post(payload: unknown, who: Parameters<typeof bearer>[0] = 'midt', query = '') {
  const res = await request(svc.app).post(`/v1/evaluations${query}`).set('Authorization', bearer(who)).send(payload as object);
  expectResponseMatchesSpec(res);
  return res;
}

describe('POST /v1/evaluations', () => {
  it('evaluates, stores and returns the full explained evaluation with its location', async () => {
    const res = await post(body());
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/evaluations/${res.body.id}`);
    expect(res.body).toMatchObject({
      stored: true,
      speciale: 'testspeciale',
      level: 'specialfunktion',
      asOf: '2026-10-01',
      overall: 'eligible',
      rulesetVersion: '1.0.0',
      createdBy: 'inspektoer@midt',
      provider: { tilbudId: '4711', tilsyn: 'Midt', region: 'Midtjylland' },
    });
    expect(res.body.result.requirements).toHaveLength(6);
    const read = await request(svc.app).get(res.headers.location).set('Authorization', bearer('midt'));
    expectResponseMatchesSpec(read);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('evaluates without storing on dryRun=true', async () => {
    const res = await post(body(), 'midt', '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: null, stored: false, overall: 'eligible' });
    expect(await svc.store.listAudit({ limit: 10 })).toEqual([]);
  });

  it('uses the given as-of date and version; windows count from the reporting date, only the age from asOf', async () => {
    const res = await post(body({ asOf: '2027-01-10', version: '1.0.0' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ asOf: '2027-01-10', overall: 'eligible', result: { evidence: { reportingDate: '2026-09-01', ageMonths: 4 } } });
    // Counted back from asOf, the course started 2026-01-10 and the competence of 2022-01-01 would have fallen out.
    const actual = (id: string) => res.body.result.requirements.find((r: { id: string }) => r.id === id).conditions[0].actual;
    expect([actual('TST-SF-02'), actual('TST-SF-03')]).toEqual([2, 3]);
  });

  it('answers 401 with a challenge when no token is given', async () => {
    const res = await request(svc.app).post('/v1/evaluations').send(body());
    expectResponseMatchesSpec(res);
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers 400 problem+json for malformed JSON', async () => {
    const res = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).set('Content-Type', 'application/json').send('{"speciale": ');
    expectResponseMatchesSpec(res);
    expectProblem(res, 400, 'malformed-json');
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(JSON.stringify(res.body)).not.toMatch(/SyntaxError|at .*\.js/);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const big = body({ evidence: { ...eligibleEvidence(), padding: 'x'.repeat(1_100_000) } });
    const res = await post(big);
    expectProblem(res, 413, 'body-too-large');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).set('Content-Type', 'text/plain').send('hello');
    expectResponseMatchesSpec(res);
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('answers 422 with every schema error and its path', async () => {
    const ev = eligibleEvidence() as unknown as Record<string, unknown>;
    const res = await post(body({ level: 'superfunktion', evidence: { ...ev, reportingDate: '2026-13-01', provider: { ...(ev.provider as object), cvr: '1234' } } }));
    expectProblem(res, 422, 'validation-failed');
    const items = res.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`);
    expect(items).toEqual(expect.arrayContaining(['/level value-not-allowed', '/evidence/reportingDate format-mismatch', '/evidence/provider/cvr pattern-mismatch']));
  });

  it('checks what a schema cannot: CVR check digit, municipality and vocabularies', async () => {
    const ev = eligibleEvidence();
    ev.provider = { ...ev.provider, cvr: '29189847', kommunekode: '999' };
    ev.staff![0].profession = 'troldmand';
    const res = await post(body({ evidence: ev }));
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`)).toEqual(
      expect.arrayContaining(['/evidence/provider/cvr invalid-cvr', '/evidence/provider/kommunekode unknown-kommunekode', '/evidence/staff/0/profession unknown-vocabulary-value']),
    );
  });

  it('refuses text with an unpaired surrogate, which no UTF-8 store could keep as it was hashed, and stores nothing', async () => {
    const ev = eligibleEvidence();
    ev.provider = { ...ev.provider, name: 'Lærkehøj \ud800' };
    const res = await post(body({ evidence: ev }));
    expectResponseMatchesSpec(res);
    expectProblem(res, 422, 'malformed-text', ['/evidence/provider/name malformed-text']);
    const inList = eligibleEvidence();
    inList.agreements![0].partnerName = 'Psykiatrien \udc00';
    expect((await post(body({ evidence: inList }))).body.errors).toEqual([expect.objectContaining({ pointer: '/evidence/agreements/0/partnerName', code: 'malformed-text' })]);
    expect(await svc.store.listAudit({ limit: 10 })).toEqual([]);
    // A surrogate pair (an emoji) is well-formed text and is fine.
    ev.provider = { ...ev.provider, name: 'Lærkehøj 🦋' };
    expect((await post(body({ evidence: ev }))).status).toBe(201);
  });

  it('refuses a CPR-like value anywhere, naming the path but never the value, and stores nothing', async () => {
    const ev = eligibleEvidence() as unknown as { staff: { ref: string }[] };
    ev.staff[1].ref = '0101901234';
    const res = await post(body({ evidence: ev }));
    expectProblem(res, 422, 'cpr-refused', ['/evidence/staff/1/ref cpr-refused']);
    expect(JSON.stringify(res.body)).not.toContain('0101901234');
    expect(await svc.store.listAudit({ limit: 10 })).toEqual([]);
  });

  it('answers 404 for an unknown speciale or version', async () => {
    expectProblem(await post(body({ speciale: 'ukendt' })), 404, 'speciale-not-found');
    expectProblem(await post(body({ version: '9.9.9' })), 404, 'ruleset-version-not-found');
  });

  it("refuses an inspector evaluating another socialtilsyn's provider", async () => {
    const res = await post(body(), 'nord');
    expectProblem(res, 403, 'provider-of-other-tilsyn');
  });

  it('lets Socialstyrelsen dry-run but not store an evaluation', async () => {
    expect((await post(body(), 'socialstyrelsen', '?dryRun=true')).status).toBe(200);
    expectProblem(await post(body(), 'socialstyrelsen'), 403, 'decided-by-socialtilsyn');
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const res = await request(svc.app).put('/v1/evaluations').set('Authorization', bearer('midt')).send({});
    expectResponseMatchesSpec(res);
    expectProblem(res, 405, 'method-not-allowed');
    // GET lists evaluations (GET /v1/evaluations?tilbudId=…).
    expect(res.headers.allow).toBe('GET, POST');
  });
});

describe('GET /v1/evaluations/{id}', () => {
  it('renders a printable HTML report with provider, rule set version and hash, and every requirement', async () => {
    const created = await post(body());
    const res = await request(svc.app).get(`/v1/evaluations/${created.body.id}`).set('Authorization', bearer('midt')).set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Bostedet Lærkehøj');
    expect(res.text).toContain(created.body.rulesetHash);
    expect(res.text).toContain('version 1.0.0');
    for (const id of ['TST-SF-01', 'TST-SF-02', 'TST-SF-03', 'TST-SF-04', 'TST-SF-05', 'TST-SF-06']) expect(res.text).toContain(id);
    expect(res.text).toContain('Opfylder kriterierne');
  });

  it("is 404 for another socialtilsyn's inspector and for an unknown id", async () => {
    const created = await post(body());
    const other = await request(svc.app).get(`/v1/evaluations/${created.body.id}`).set('Authorization', bearer('nord'));
    expectResponseMatchesSpec(other);
    expectProblem(other, 404, 'evaluation-not-found');
    expectProblem(await request(svc.app).get('/v1/evaluations/nope').set('Authorization', bearer('admin')), 404, 'evaluation-not-found');
    expect((await request(svc.app).get(`/v1/evaluations/${created.body.id}`).set('Authorization', bearer('socialstyrelsen'))).status).toBe(200);
  });

  it('answers 406 for a media type it cannot produce', async () => {
    const created = await post(body());
    const res = await request(svc.app).get(`/v1/evaluations/${created.body.id}`).set('Authorization', bearer('midt')).set('Accept', 'image/png');
    expectProblem(res, 406, 'not-acceptable');
  });
});

describe('every response', () => {
  it('carries a request id and security headers, and no stack trace', async () => {
    const res = await request(svc.app).get('/v1/nothing-here').set('Authorization', bearer('admin'));
    expectProblem(res, 404, 'not-found');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
