import path from 'node:path';
import Database from 'better-sqlite3';
import { contentHash } from '../../src/rules/hash';
import { eligibleEvidence, ruleset } from '../support/builders';
import { apiCaller, startTestService, type TestService } from '../support/testService';
import { expectProblem } from '../support/problemCodes';

/**
 * Replay through HTTP: a stored evaluation re-run and compared with its record – identical when untouched,
 * and otherwise saying what differs: the evidence (edited behind the service's back), the rule file (another
 * file loaded under the same version, or none), or the evaluator's semantics. Export gives the evaluation
 * with its evidence, for whoever may read it.
 */
let svc: TestService;
let other: TestService | undefined;
const call = apiCaller(() => svc);

beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await other?.close();
  other = undefined;
  await svc.close();
});

async function evaluate(): Promise<string> {
  const res = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: eligibleEvidence() });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Someone with access to the database file, working behind the service's back. */
function behindTheBack(work: (db: Database.Database) => void): void {
  const db = new Database(path.join(svc.dataDir, 'specialfunktion.sqlite'));
  try {
    work(db);
  } finally {
    db.close();
  }
}

describe('POST /v1/evaluations/{id}/replay', () => {
  it('answers identical for an untouched evaluation, with both hashes and every requirement as recorded', async () => {
    const id = await evaluate();
    const stored = (await call('get', `/v1/evaluations/${id}`, 'midt')).body;
    const res = await call('post', `/v1/evaluations/${id}/replay`, 'midt');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      evaluationId: id,
      identical: true,
      differences: [],
      evidence: { recordedHash: stored.evidenceHash, recomputedHash: stored.evidenceHash, identical: true },
      ruleset: { version: '1.0.0', recordedHash: stored.rulesetHash, currentHash: stored.rulesetHash, identical: true },
      semantics: { identical: true },
      overall: { recorded: 'eligible', replayed: 'eligible', identical: true },
    });
    expect(res.body.requirements.map((r: { id: string }) => r.id)).toEqual(stored.result.requirements.map((r: { id: string }) => r.id));
    expect(res.body.requirements.every((r: { identical: boolean; recorded: string; replayed: string }) => r.identical && r.recorded === r.replayed)).toBe(true);
  });

  it('names the evidence when the stored evidence was edited behind the service’s back, and shows the requirement that now comes out otherwise', async () => {
    const id = await evaluate();
    behindTheBack((db) => {
      db.prepare(`UPDATE evidence SET json = json_set(json, '$.citizenCourses.entries', json('[]')) WHERE sha256 = (SELECT evidence_sha256 FROM evaluations WHERE id = ?)`).run(id);
    });
    const res = await call('post', `/v1/evaluations/${id}/replay`, 'midt');
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    expect(res.body.differences.map((d: { what: string }) => d.what)).toEqual(['evidence']);
    expect(res.body.evidence.identical).toBe(false);
    expect(res.body.evidence.recomputedHash).not.toBe(res.body.evidence.recordedHash);
    expect(res.body.ruleset.identical).toBe(true);
    expect(res.body.overall).toEqual({ recorded: 'eligible', replayed: 'not-eligible', identical: false });
    expect(res.body.requirements.find((r: { id: string }) => r.id === 'TST-SF-03')).toMatchObject({ recorded: 'met', replayed: 'not-met', identical: false });
  });

  it('names the rule file when the service runs with another file under the recorded version', async () => {
    const id = await evaluate();
    const recorded = (await call('get', `/v1/evaluations/${id}`, 'midt')).body.rulesetHash as string;
    const stricter = ruleset();
    const volume = stricter.levels.specialfunktion.requirements.find((r) => r.id === 'TST-SF-03');
    (volume?.conditions as { all: { value: number }[] }).all[0].value = 4;
    other = await startTestService({ dataDir: svc.dataDir, rulesets: [stricter] });
    const res = await apiCaller(() => other as TestService)('post', `/v1/evaluations/${id}/replay`, 'midt');
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    expect(res.body.differences.map((d: { what: string }) => d.what)).toEqual(['rule-file']);
    expect(res.body.ruleset).toMatchObject({ version: '1.0.0', recordedHash: recorded, identical: false });
    expect(res.body.ruleset.currentHash).not.toBe(recorded);
    expect(res.body.evidence.identical).toBe(true);
    expect(res.body.requirements.find((r: { id: string }) => r.id === 'TST-SF-03')).toMatchObject({ recorded: 'met', replayed: 'not-met' });
  });

  it('names the rule file when the recorded version is not loaded at all, and re-evaluates nothing', async () => {
    const id = await evaluate();
    other = await startTestService({ dataDir: svc.dataDir, rulesets: [ruleset({ version: '1.1.0' })] });
    const res = await apiCaller(() => other as TestService)('post', `/v1/evaluations/${id}/replay`, 'admin');
    expect(res.body).toMatchObject({ identical: false, ruleset: { currentHash: null, identical: false }, overall: { replayed: null, identical: false } });
    expect(res.body.differences).toEqual([expect.objectContaining({ what: 'rule-file' })]);
  });

  it('names the evaluator’s semantics when the evaluation was recorded under another semantics version', async () => {
    const id = await evaluate();
    const current = (await call('post', `/v1/evaluations/${id}/replay`, 'midt')).body.semantics.current as number;
    behindTheBack((db) => {
      db.prepare(`UPDATE evaluations SET record = json_set(record, '$.semanticsVersion', ?) WHERE id = ?`).run(current + 1, id);
    });
    const res = await call('post', `/v1/evaluations/${id}/replay`, 'midt');
    expect(res.body).toMatchObject({ identical: false, semantics: { recorded: current + 1, current, identical: false }, evidence: { identical: true }, ruleset: { identical: true } });
    expect(res.body.differences.map((d: { what: string }) => d.what)).toEqual(['semantics']);
  });

  it('is for whoever may read the evaluation: another tilsyn gets 404, Socialstyrelsen and admins may', async () => {
    const id = await evaluate();
    const nord = await call('post', `/v1/evaluations/${id}/replay`, 'nord');
    expectProblem(nord, 404, 'evaluation-not-found');
    expect((await call('post', `/v1/evaluations/${id}/replay`, 'socialstyrelsen')).body.identical).toBe(true);
    expect((await call('post', `/v1/evaluations/${id}/replay`, 'admin')).body.identical).toBe(true);
    expectProblem(await call('post', '/v1/evaluations/no-such-evaluation/replay', 'admin'), 404, 'evaluation-not-found');
    expectProblem(await call('get', `/v1/evaluations/${id}/replay`, 'admin'), 405, 'method-not-allowed');
  });
});

describe('GET /v1/evaluations/{id}/export', () => {
  it('gives the evaluation with its evidence as stored, in a versioned format whose evidence hashes to the recorded hash', async () => {
    const id = await evaluate();
    const res = await call('get', `/v1/evaluations/${id}/export`, 'midt');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="evaluation-${id}.json"`);
    expect(res.body).toMatchObject({ format: 'specialfunktion-evaluation-export', formatVersion: 1, evaluation: { id, speciale: 'testspeciale', level: 'specialfunktion' } });
    expect(res.body.evidence).toEqual(eligibleEvidence());
    expect(contentHash(res.body.evidence)).toBe(res.body.evaluation.evidenceHash);
  });

  it('is refused (404) to another tilsyn and given to Socialstyrelsen', async () => {
    const id = await evaluate();
    expectProblem(await call('get', `/v1/evaluations/${id}/export`, 'nord'), 404, 'evaluation-not-found');
    expect((await call('get', `/v1/evaluations/${id}/export`, 'socialstyrelsen')).status).toBe(200);
  });
});
