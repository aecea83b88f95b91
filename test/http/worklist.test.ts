import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { Evidence } from '../../src/evidence/types';
import { eligibleEvidence } from '../support/builders';
import { apiCaller, bearer, startTestService, type TestService, type Who } from '../support/testService';

/**
 * The inspector's worklist through HTTP: what to act on, most urgent first (an at-risk approval past its
 * deadline flagged overdue and on top, never revoked by itself), scoped to the inspector's own tilsyn, as
 * JSON and as a printable page.
 */
let svc: TestService;
const call = apiCaller(() => svc);

beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

function providerEvidence(tilbudId: string, kommunekode = '751', base: Evidence = eligibleEvidence()): Evidence {
  return { ...base, provider: { ...base.provider, tilbudId, kommunekode, name: `Tilbud ${tilbudId}` } };
}

/** The same provider's evidence without the citizen courses: the volume requirement is no longer met. */
function failingEvidence(tilbudId: string, kommunekode = '751'): Evidence {
  return { ...providerEvidence(tilbudId, kommunekode), citizenCourses: { entries: [] } };
}

async function approve(who: Who, tilbudId: string, kommunekode = '751'): Promise<string> {
  const evaluation = await call('post', '/v1/evaluations', who, { speciale: 'testspeciale', level: 'specialfunktion', evidence: providerEvidence(tilbudId, kommunekode) });
  expect(evaluation.status).toBe(201);
  const approval = await call('post', '/v1/approvals', who, { evaluationId: evaluation.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
  expect(approval.status).toBe(201);
  return approval.body.id as string;
}

async function putAtRisk(who: Who, approvalId: string, tilbudId: string, kommunekode = '751'): Promise<string> {
  const res = await call('post', `/v1/approvals/${approvalId}/evidence`, who, { evidence: failingEvidence(tilbudId, kommunekode) });
  expect(res.body.outcome).toBe('at-risk');
  return res.body.approval.history.at(-1).details.inspectorDeadline as string;
}

interface Item {
  kind: string;
  approvalId?: string;
  evaluationId?: string;
  overdue: boolean;
  dueDate?: string;
  daysLeft?: number;
  tilsyn: string;
}

describe('GET /v1/worklist', () => {
  it('puts an at-risk approval past its deadline first, flagged overdue, and revokes nothing', async () => {
    const a = await approve('midt', '100');
    const b = await approve('midt', '200');
    const deadlineA = await putAtRisk('midt', a, '100');
    svc.clock.advanceDays(75);
    const deadlineB = await putAtRisk('midt', b, '200');
    expect(deadlineA < '2026-12-15' && deadlineB > '2026-12-15').toBe(true);

    const res = await call('get', '/v1/worklist', 'midt');
    expect(res.status).toBe(200);
    const atRisk = (res.body.items as Item[]).filter((i) => i.kind === 'at-risk');
    expect(atRisk.map((i) => i.approvalId)).toEqual([a, b]);
    expect(res.body.items[0]).toMatchObject({ kind: 'at-risk', approvalId: a, overdue: true, dueDate: deadlineA, tilsyn: 'Midt', status: 'at-risk' });
    expect(res.body.items[0].daysLeft).toBeLessThan(0);
    expect(res.body.items[0].details.unmetRequirements).toEqual(['TST-SF-03']);
    expect(atRisk[1]).toMatchObject({ overdue: false, dueDate: deadlineB });
    expect(atRisk[1].daysLeft).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ asOf: '2026-12-15', tilsyn: 'Midt', overdue: 1, counts: { 'at-risk': 2 } });
    expect((await call('get', `/v1/approvals/${a}`, 'midt')).body.status).toBe('at-risk');
  });

  it('keeps the deadline of the re-check that put the approval at risk when later re-checks find it still at risk', async () => {
    const a = await approve('midt', '100');
    const deadline = await putAtRisk('midt', a, '100');
    svc.clock.advanceDays(40);
    const again = await call('post', `/v1/approvals/${a}/recheck`, 'midt');
    expect(again.body.outcome).toBe('at-risk');
    svc.clock.advanceDays(30);
    const [item] = (await call('get', '/v1/worklist', 'midt')).body.items as Item[];
    expect(item).toMatchObject({ kind: 'at-risk', approvalId: a, dueDate: deadline, overdue: true });
  });

  it('shows an inspector only their own tilsyn; Socialstyrelsen and admins all, filtered by tilsyn, speciale, level and kind', async () => {
    const midt = await approve('midt', '100');
    const nord = await approve('nord', '300', '851');
    await putAtRisk('midt', midt, '100');
    await putAtRisk('nord', nord, '300', '851');

    const ids = async (who: Who, query = '') => ((await call('get', `/v1/worklist${query}`, who)).body.items as Item[]).map((i) => i.approvalId).sort();
    expect(await ids('midt')).toEqual([midt]);
    expect(await ids('nord')).toEqual([nord]);
    expect(await ids('midt', '?tilsyn=Nord')).toEqual([]);
    expect(await ids('admin')).toEqual([midt, nord].sort());
    expect(await ids('socialstyrelsen', '?tilsyn=Nord')).toEqual([nord]);
    expect(await ids('admin', '?speciale=testspeciale&level=specialfunktion&kind=at-risk')).toEqual([midt, nord].sort());
    expect(await ids('admin', '?level=raadgivningsfunktion')).toEqual([]);
    expect(await ids('admin', '?kind=ending')).toEqual([]);
    expect((await call('get', '/v1/worklist', 'admin')).body.tilsyn).toBeNull();

    const bad = await call('get', '/v1/worklist?kind=everything', 'admin');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: 'query:kind', code: 'value-not-allowed' })]);
  });

  it('lists evidence overdue, an open renewal window and an approval ending within 90 days, in that order', async () => {
    const id = await approve('midt', '100');
    svc.clock.set('2030-07-15T09:00:00Z');
    const recheck = await call('post', `/v1/approvals/${id}/recheck`, 'midt');
    expect(recheck.body.outcome).toBe('evidence-overdue');
    const items = (await call('get', '/v1/worklist', 'midt')).body.items as Item[];
    expect(items.map((i) => i.kind)).toEqual(['evidence-overdue', 'renewal-window', 'ending']);
    expect(items.every((i) => i.approvalId === id)).toBe(true);
    expect(items[1]).toMatchObject({ dueDate: '2030-09-30', daysLeft: 77 });
    expect(items[2]).toMatchObject({ dueDate: '2030-09-30' });
  });

  it('lists a re-check the newest batch run could not do, to those who may see the approval', async () => {
    const id = await approve('midt', '100');
    svc.clock.advanceDays(1);
    await svc.store.putRun({
      id: 'run-1',
      status: 'finished',
      asOf: '2026-10-02',
      holder: 'test',
      startedAt: svc.clock.now().toISOString(),
      examined: 1,
      counts: { compliant: 0, 'at-risk': 0, 'evidence-overdue': 0, expired: 0, skipped: 0 },
      failures: [
        { approvalId: id, message: 'regelsættet kunne ikke læses' },
        { approvalId: '-', message: 'datalageret svarede ikke' },
      ],
      failureCount: 2,
    });
    const midt = (await call('get', '/v1/worklist', 'midt')).body;
    expect(midt.items).toEqual([expect.objectContaining({ kind: 'failed-recheck', approvalId: id, details: expect.objectContaining({ runId: 'run-1', failure: 'regelsættet kunne ikke læses' }) })]);
    expect(midt.lastRun).toBeUndefined();
    expect((await call('get', '/v1/worklist', 'nord')).body.items).toEqual([]);
    expect((await call('get', '/v1/worklist', 'admin')).body.lastRun).toMatchObject({ id: 'run-1', failureCount: 2, runFailures: ['datalageret svarede ikke'] });
  });

  it('lists a stored evaluation whose evidence breaks the date rules, without rewriting it', async () => {
    const evaluation = await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: providerEvidence('100') });
    const id = evaluation.body.id as string;
    // As stored before the date rules were enforced: a competence obtained after the reporting date.
    const db = new Database(path.join(svc.dataDir, 'specialfunktion.sqlite'));
    try {
      db.prepare(`UPDATE evidence SET json = json_set(json, '$.staff[0].competences[0].obtainedOn', '2026-09-20') WHERE sha256 = (SELECT evidence_sha256 FROM evaluations WHERE id = ?)`).run(id);
    } finally {
      db.close();
    }
    const items = (await call('get', '/v1/worklist?kind=evidence-dates', 'midt')).body.items as (Item & { details: { problems: { code: string; pointer: string }[] } })[];
    expect(items).toEqual([expect.objectContaining({ kind: 'evidence-dates', evaluationId: id, tilsyn: 'Midt' })]);
    expect(items[0].details.problems).toEqual([expect.objectContaining({ code: 'dated-after-reporting-date', pointer: '/staff/0/competences/0/obtainedOn' })]);
    expect((await call('get', '/v1/worklist?kind=evidence-dates', 'nord')).body.items).toEqual([]);
    expect((await call('get', `/v1/evaluations/${id}`, 'midt')).body.evidenceHash).toBe(evaluation.body.evidenceHash);
  });

  it('serves a printable page by Accept, the overdue item marked', async () => {
    const a = await approve('midt', '100');
    await putAtRisk('midt', a, '100');
    svc.clock.advanceDays(75);
    const html = await request(svc.app).get('/v1/worklist').set('Authorization', bearer('midt')).set('Accept', 'text/html');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Arbejdsliste – Socialtilsyn Midt');
    expect(html.text).toContain('Frist overskredet');
    expect(html.text).toContain('Tilbud 100');
    expect((await request(svc.app).get('/v1/worklist').set('Authorization', bearer('midt')).set('Accept', 'image/png')).status).toBe(406);
  });
});

describe('GET /v1/evaluations', () => {
  it('lists stored evaluations, paged and scoped to the inspector’s tilsyn, filtered by provider, speciale and day', async () => {
    const ids: string[] = [];
    for (const tilbudId of ['100', '200', '100']) {
      ids.push((await call('post', '/v1/evaluations', 'midt', { speciale: 'testspeciale', level: 'specialfunktion', evidence: providerEvidence(tilbudId) })).body.id);
      svc.clock.advanceDays(1);
    }
    const nordId = (await call('post', '/v1/evaluations', 'nord', { speciale: 'testspeciale', level: 'specialfunktion', evidence: providerEvidence('300', '851') })).body.id;

    const first = await call('get', '/v1/evaluations?limit=2', 'midt');
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.items[0]).toMatchObject({ speciale: 'testspeciale', overall: 'eligible', reportingDate: '2026-09-01', provider: { tilbudId: '100', tilsyn: 'Midt' } });
    const second = await call('get', `/v1/evaluations?limit=2&cursor=${first.body.nextCursor}`, 'midt');
    expect(second.body.items.map((e: { id: string }) => e.id)).toEqual([ids[2]]);
    expect(second.body.nextCursor).toBeUndefined();

    const list = async (who: Who, query: string) => ((await call('get', `/v1/evaluations${query}`, who)).body.items as { id: string }[]).map((e) => e.id);
    expect(await list('midt', '?tilbudId=100')).toEqual([ids[0], ids[2]]);
    expect(await list('midt', '?from=2026-10-02&to=2026-10-02')).toEqual([ids[1]]);
    expect(await list('midt', '?speciale=autisme')).toEqual([]);
    expect(await list('midt', '?tilsyn=Nord')).toEqual([]);
    expect(await list('nord', '')).toEqual([nordId]);
    expect(await list('admin', '')).toEqual([...ids, nordId]);
    expect(await list('socialstyrelsen', '?tilsyn=Nord')).toEqual([nordId]);

    const backwards = await call('get', '/v1/evaluations?from=2026-10-03&to=2026-10-01', 'midt');
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ pointer: 'query:to', code: 'to-before-from' })]);
  });
});
