import request from 'supertest';
import { vocabulary } from '../../src/evidence/catalogue';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ rulesets: [ruleset()] });
});
afterAll(async () => {
  await svc.close();
});

describe('GET /v1/vocabularies (public)', () => {
  it('serves the catalogue’s facts with Danish description, params and value type, and every vocabulary with its values, without a token', async () => {
    const res = await request(svc.app).get('/v1/vocabularies').set('Accept', 'application/json');
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    const fact = res.body.facts.find((f: { id: string }) => f.id === 'fteWithCompetence');
    expect(fact).toMatchObject({ id: 'fteWithCompetence', type: 'number', description: { da: expect.any(String) } });
    expect(fact.params).toEqual([
      { name: 'competence', required: true, type: 'string', vocabulary: 'competences' },
      { name: 'withinYears', required: false, type: 'integer', minimum: 1, maximum: 30 },
    ]);
    const professions = res.body.vocabularies.find((v: { name: string }) => v.name === 'professions');
    expect(professions.values.map((v: { id: string }) => v.id)).toEqual(vocabulary('professions').map((e) => e.id));
    expect(res.body.vocabularies.map((v: { name: string }) => v.name)).toContain('socialtilsyn');
  });

  it('answers 405 with Allow: GET for another method', async () => {
    const res = await request(svc.app).delete('/v1/vocabularies');
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
  });
});

describe('evidence with a value outside its vocabulary', () => {
  const call = apiCaller(() => svc);

  it('is refused with the closest value suggested and the vocabularies endpoint named, not a repository file', async () => {
    const ev = eligibleEvidence();
    ev.staff![0].profession = 'psykologg';
    const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: ev });
    expect(res.status).toBe(422);
    const item = res.body.errors.find((e: { pointer: string }) => e.pointer === '/evidence/staff/0/profession');
    expect(item).toMatchObject({ code: 'unknown-vocabulary-value', message: expect.stringContaining("mente du 'psykolog'?") });
    expect(item.message).toContain('GET /v1/vocabularies');
    expect(item.message).not.toContain('schemas/');
  });
});
