import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runImpact } from '../../src/cli/commands/impact';
import { RulesCatalogue } from '../../src/rules/catalogue';
import type { Ruleset } from '../../src/rules/types';
import { eligibleEvidence, ruleset } from '../support/builders';
import { expectProblem } from '../support/problemCodes';
import { apiCaller, startTestService, type TestService } from '../support/testService';

/**
 * POST /v1/specialer/{speciale}/impact with `against`: Socialstyrelsen compares a draft with a chosen loaded
 * version, as `speciale-rules impact --against` does, with the draft's transition period and, per newly failing
 * requirement, the change that makes it fail.
 *
 * 1.0.0 asked for 4 courses in 12 months, 1.1.0 (in force since 2026-06-01) for 3; the draft is 1.0.0's content
 * again. The approval in the record was given under 1.1.0 on evidence with exactly 3 courses.
 */
const volume = (r: Ruleset, courses: number): Ruleset => {
  r.levels.specialfunktion.requirements.find((q) => q.id === 'TST-SF-03')!.conditions = {
    all: [{ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: courses }],
  };
  return r;
};
const v100 = () => volume(ruleset({ version: '1.0.0', effectiveFrom: '2026-01-01' }), 4);
const v110 = () => volume(ruleset({ version: '1.1.0', effectiveFrom: '2026-06-01' }), 3);
/** 1.0.0's requirements as a new draft, in force from 2027-01-01 with a 12-month transition. */
const draftLike100 = () => ({ ...v100(), version: '1.2.0', status: 'draft' as const, effectiveFrom: '2027-01-01' });

let svc: TestService;
const call = apiCaller(() => svc);
const impact = (body: object) => call('post', '/v1/specialer/testspeciale/impact', 'socialstyrelsen', body);

beforeEach(async () => {
  svc = await startTestService({ rulesets: [v100(), v110()] });
  const ev = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect([ev.status, ev.body.rulesetVersion]).toEqual([201, '1.1.0']);
  const ap = await call('post', '/v1/approvals', 'midt', { evaluationId: ev.body.id, decision: 'approved', reason: 'Opfylder kravene' });
  expect(ap.status).toBe(201);
});
afterEach(async () => {
  await svc.close();
});

describe('impact of a draft against a chosen version', () => {
  it('changes nothing when the draft has the same requirements as the version it is compared with', async () => {
    const res = await impact({ draft: draftLike100(), against: '1.0.0' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ currentVersion: '1.0.0', draftVersion: '1.2.0' });
    expect(res.body.approvals).toEqual([expect.objectContaining({ today: 'not-eligible', underDraft: 'not-eligible', newlyFailing: [], failingFrom: null })]);
    expect(res.body.byLevel).toEqual({ specialfunktion: { approvals: 1, wouldFail: 1, newlyFailing: 0 } });
  });

  it('names the stricter threshold against another version, failing only after the transition period', async () => {
    const res = await impact({ draft: draftLike100(), against: '1.1.0' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ currentVersion: '1.1.0', draftVersion: '1.2.0', transitionEndsOn: { specialfunktion: '2027-12-31' } });
    expect(res.body.approvals).toEqual([
      expect.objectContaining({
        today: 'eligible',
        underDraft: 'not-eligible',
        failingFrom: '2028-01-01',
        newlyFailing: [
          {
            id: 'TST-SF-03',
            title: 'Volumen',
            transitional: true,
            cause: {
              change: 'changed',
              direction: 'stricter',
              fields: [],
              thresholds: [expect.objectContaining({ fact: 'citizenCoursesStarted', before: { operator: 'greaterThanInclusive', value: 3 }, after: { operator: 'greaterThanInclusive', value: 4 }, direction: 'stricter' })],
            },
          },
        ],
      }),
    ]);
  });

  it('compares with the version in force today when no version is chosen', async () => {
    const res = await impact({ draft: draftLike100() });
    expect(res.status).toBe(200);
    expect(res.body.currentVersion).toBe('1.1.0');
    expect(res.body.approvals[0].newlyFailing.map((r: { id: string }) => r.id)).toEqual(['TST-SF-03']);
  });

  it('compares with a chosen version also when no version is in force today', async () => {
    await svc.close();
    svc = await startTestService({ rulesets: [{ ...v110(), effectiveFrom: '2027-01-01' }] });
    expectProblem(await impact({ draft: draftLike100() }), 404, 'no-version-in-force');
    const res = await impact({ draft: draftLike100(), against: '1.1.0' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ currentVersion: '1.1.0', draftVersion: '1.2.0', approvals: [] });
  });

  it('answers exactly what the CLI answers for the same snapshot, draft and chosen version', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-impact-http-'));
    try {
      const snapshot = await call('get', '/v1/specialer/testspeciale/snapshot', 'admin');
      expect(snapshot.status).toBe(200);
      writeFileSync(path.join(dir, 'snapshot.json'), JSON.stringify(snapshot.body));
      writeFileSync(path.join(dir, 'draft.json'), JSON.stringify(draftLike100()));
      const catalogue = new RulesCatalogue([v100(), v110()]);
      let printed = '';
      const fail = (message: string): never => {
        throw new Error(message);
      };
      await runImpact(path.join(dir, 'draft.json'), { snapshot: path.join(dir, 'snapshot.json'), asOf: '2026-10-01', against: (s) => catalogue.get(s, '1.0.0')!, json: true }, catalogue, dir, (line = '') => (printed += line), fail);

      const res = await impact({ draft: draftLike100(), against: '1.0.0' });
      expect(res.body).toEqual(JSON.parse(printed));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refused impact requests', () => {
  it('refuses a chosen version that is not loaded, pointing at against', async () => {
    expectProblem(await impact({ draft: draftLike100(), against: '9.9.9' }), 404, 'ruleset-version-not-found', ['/against ruleset-version-not-found']);
  });

  it('refuses a loaded version to analyse that does not exist, pointing at version', async () => {
    expectProblem(await impact({ version: '9.9.9' }), 404, 'ruleset-version-not-found', ['/version ruleset-version-not-found']);
  });

  it('refuses against without a draft', async () => {
    expectProblem(await impact({ version: '1.1.0', against: '1.0.0' }), 422, 'validation-failed', ['/draft dependent-property-missing']);
  });

  it('refuses against that is not a version number', async () => {
    expectProblem(await impact({ draft: draftLike100(), against: 'nyeste' }), 422, 'validation-failed', ['/against pattern-mismatch']);
  });

  it('refuses both a version and a draft', async () => {
    expectProblem(await impact({ version: '1.1.0', draft: draftLike100() }), 422, 'validation-failed', [' several-matching-alternatives']);
  });
});
