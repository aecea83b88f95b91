import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler } from '../../src/http/errors';
import { MAX_JSON_DEPTH, tooDeepAt } from '../../src/http/validation';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { ruleset } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

/** A draft whose first requirement's condition is wrapped in {"not": …} `levels` times. */
function draftWithNegations(levels: number) {
  const draft = ruleset({ version: '1.1.0', status: 'draft', effectiveFrom: '2027-01-01' });
  const requirement = draft.levels.specialfunktion.requirements[0];
  let condition: unknown = (requirement.conditions as { all: unknown[] }).all[0];
  for (let i = 0; i < levels; i++) condition = { not: condition };
  requirement.conditions = { all: [condition] } as typeof requirement.conditions;
  return draft;
}

describe('deeply nested JSON bodies', () => {
  it('refuses a draft nested 1500 levels deep with 422 naming where the limit was passed, not 500', async () => {
    const res = await request(svc.app).post('/v1/specialer/testspeciale/impact').set('Authorization', bearer('admin')).send({ draft: draftWithNegations(1500) });
    expectResponseMatchesSpec(res);
    expect([res.status, res.body.type]).toEqual([422, 'https://specialfunktion.dk/problems/nested-too-deep']);
    const [error] = res.body.errors;
    expect(res.body.errors).toHaveLength(1);
    expect(error.code).toBe('nested-too-deep');
    // The message says what the limit is.
    expect(error.message).toContain(String(MAX_JSON_DEPTH));
    // The body is level 1, so the first container past the limit is 64 steps below it.
    expect(error.pointer.startsWith('/draft/levels/specialfunktion/requirements/0/conditions/all/0/not/not')).toBe(true);
    expect(error.pointer.split('/')).toHaveLength(MAX_JSON_DEPTH + 1);
  });

  it('refuses deep nesting on every route that reads a body, once the caller is authenticated (401 before)', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const anonymous = await request(svc.app).post('/v1/evaluations').send({ evidence: deep });
    expectResponseMatchesSpec(anonymous);
    expectProblem(anonymous, 401, 'unauthenticated');
    const res = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ evidence: deep });
    expectResponseMatchesSpec(res);
    expectProblem(res, 422, 'nested-too-deep', [`/evidence${'/0'.repeat(MAX_JSON_DEPTH - 1)} nested-too-deep`]);
  });

  it('still takes a draft nested within the limit to the analysis', async () => {
    const res = await request(svc.app).post('/v1/specialer/testspeciale/impact').set('Authorization', bearer('admin')).send({ draft: draftWithNegations(20) });
    expectResponseMatchesSpec(res);
    expect(res.status).not.toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('indlejret for dybt');
  });

  it('finds the first container past the limit without recursion, at any depth', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(tooDeepAt(deep, 3)).toBe('/a/a/a');
    expect(tooDeepAt({ ok: [[1]], 'x/y': { '~': { z: {} } } }, 3)).toBe('/x~1y/~0/z');
    expect(tooDeepAt({ a: [[1]] }, 3)).toBeUndefined();
    expect(tooDeepAt('text', 1)).toBeUndefined();
  });

  it('answers a stack overflow while handling a body as the client error it is, not 500', async () => {
    const app = express();
    app.post('/x', express.json(), () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    app.get('/y', () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    app.use(errorHandler(pino({ level: 'silent' })));
    const res = await request(app).post('/x').send({ a: 1 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'https://specialfunktion.dk/problems/nested-too-deep', errors: [{ pointer: '', code: 'nested-too-deep' }] });
    expect(JSON.stringify(res.body)).not.toMatch(/RangeError|Maximum call stack/);
    // Without a body it is the service's own fault.
    expectProblem(await request(app).get('/y'), 500, 'internal-error');
  });
});
