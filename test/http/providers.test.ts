/**
 * The provider register through HTTP: registered with the first stored evaluation, evidence naming another
 * CVR or municipality refused without leaking another tilsyn's records, access by the register's tilsyn,
 * an admin's move taking approvals and evaluations along (audited, the record verifying), and the
 * reassignment run after the municipality → socialtilsyn data change.
 */
import request from 'supertest';
import { buildGeography } from '../../src/geography';
import kommunerData from '../../src/geography/kommuner.json';
import socialtilsynData from '../../src/geography/socialtilsyn.json';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence, VALID_CVR } from '../support/builders';
import { apiCaller, bearer, startTestService, type TestService, type Who } from '../support/testService';
import type { LocationLookup } from '../../src/providers/location';
import { approval, provider } from '../store/support/fixtures';
import { seedApproval } from '../support/seed';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
afterEach(async () => {
  await svc?.close();
});

const call = apiCaller(() => svc);

async function patch(url: string, who: Who, body: object) {
  const res = await request(svc.app).patch(url).set('Authorization', bearer(who)).send(body);
  expectResponseMatchesSpec(res);
  return res;
}

/** Aarhus (Midt), Silkeborg (Midt), Aalborg (Nord), Holbæk (Øst). */
const AARHUS = '751';
const SILKEBORG = '740';
const AALBORG = '851';
const HOLBAEK = '316';
const OTHER_CVR = '12345674';

function evidenceFor(tilbudId: string, kommunekode: string, overrides: { cvr?: string; name?: string; eligible?: boolean } = {}) {
  const base = eligibleEvidence();
  return {
    ...base,
    ...(overrides.eligible === false ? { agreements: [] } : {}),
    provider: { ...base.provider, tilbudId, kommunekode, cvr: overrides.cvr ?? VALID_CVR, name: overrides.name ?? base.provider.name },
  };
}

function evaluate(who: Who, evidence: object, dryRun = false) {
  return call('post', `/v1/evaluations${dryRun ? '?dryRun=true' : ''}`, who, { speciale: 'testspeciale', level: 'specialfunktion', evidence });
}

async function stored(who: Who, evidence: object): Promise<string> {
  const res = await evaluate(who, evidence);
  expect(res.status).toBe(201);
  return res.body.id;
}

async function decided(who: Who, evaluationId: string, decision: 'approved' | 'rejected' = 'approved'): Promise<{ id: string; version: number }> {
  const res = await call('post', '/v1/approvals', who, { evaluationId, decision, reason: decision === 'approved' ? 'Kriterierne er opfyldt' : 'Mangler samarbejdsaftale' });
  expect(res.status).toBe(201);
  return res.body;
}

type AuditItem = { seq: number; action: string; entityType: string; entityId: string; summary: Record<string, unknown> };
async function auditEntries(): Promise<AuditItem[]> {
  return (await call('get', '/v1/audit?limit=500', 'admin')).body.items;
}

async function verifies(): Promise<void> {
  const res = await call('get', '/v1/audit/verify', 'admin');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ ok: true });
}

/** What a 409 provider-mismatch must be, and that it names nothing of the registered provider to someone who may not see it. */
function expectMismatch(res: request.Response, field: 'cvr' | 'kommunekode', leaks: string[] = []) {
  expect(res.status).toBe(409);
  expect(res.body.type).toBe('https://specialfunktion.dk/problems/provider-mismatch');
  expect(res.body.errors).toEqual([expect.objectContaining({ pointer: `/evidence/provider/${field}`, code: 'provider-mismatch' })]);
  expect(res.body.fields).toEqual([field]);
  // It names how an admin moves the provider.
  expect(res.body.detail).toMatch(/PATCH \/v1\/providers\/[0-9]+/);
  const text = JSON.stringify(res.body);
  for (const secret of leaks) expect(text).not.toContain(secret);
}

describe('the provider register', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('registers a provider with its first stored evaluation, in the same commit, and not with a dry run', async () => {
    expect((await evaluate('midt', evidenceFor('4711', AARHUS), true)).status).toBe(200);
    expectProblem(await call('get', '/v1/providers/4711', 'admin'), 404, 'provider-not-found');

    const first = await stored('midt', evidenceFor('4711', AARHUS));
    const res = await call('get', '/v1/providers/4711', 'midt');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      tilbudId: '4711',
      cvr: VALID_CVR,
      name: 'Bostedet Lærkehøj',
      kommunekode: AARHUS,
      region: 'Midtjylland',
      tilsyn: 'Midt',
      createdAt: '2026-10-01T09:00:00.000Z',
      createdBy: 'inspektoer@midt',
      evaluationId: first,
      updatedAt: '2026-10-01T09:00:00.000Z',
      version: 1,
      moves: [],
    });
    // The registration is part of the evaluation's own entry: one entry, one commit.
    const [entry] = (await auditEntries()).filter((e) => e.entityId === first);
    expect(entry).toMatchObject({ action: 'evaluation.created', summary: { providerRegistered: { cvr: VALID_CVR, kommunekode: AARHUS, tilsyn: 'Midt' } } });

    // A second evaluation does not register again.
    const second = await stored('midt', evidenceFor('4711', AARHUS));
    expect((await call('get', '/v1/providers/4711', 'admin')).body).toMatchObject({ evaluationId: first, version: 1 });
    expect((await auditEntries()).find((e) => e.entityId === second)?.summary.providerRegistered).toBeUndefined();

    // Who sees it: its own tilsyn, Socialstyrelsen and admins; another tilsyn's inspector gets 404.
    expect((await call('get', '/v1/providers/4711', 'socialstyrelsen')).status).toBe(200);
    expectProblem(await call('get', '/v1/providers/4711', 'nord'), 404, 'provider-not-found');
    expectProblem(await call('get', '/v1/providers/123', 'admin'), 404, 'provider-not-found');
    expectProblem(await call('get', '/v1/providers/not-a-number', 'admin'), 422, 'invalid-tilbud-id', ['path:tilbudId invalid-tilbud-id']);
  });

  it('registers a provider once when its first evaluations arrive together, and refuses the one that names another municipality', async () => {
    const same = await Promise.all([evaluate('midt', evidenceFor('4711', AARHUS)), evaluate('midt', evidenceFor('4711', AARHUS))]);
    expect(same.map((r) => r.status)).toEqual([201, 201]);
    const registeredWith = (await call('get', '/v1/providers/4711', 'admin')).body.evaluationId;
    expect(same.map((r) => r.body.id)).toContain(registeredWith);
    expect((await auditEntries()).filter((e) => e.summary.providerRegistered !== undefined)).toHaveLength(1);

    const apart = await Promise.all([evaluate('midt', evidenceFor('4712', AARHUS)), evaluate('midt', evidenceFor('4712', SILKEBORG))]);
    expect(apart.map((r) => r.status).sort()).toEqual([201, 409]);
    expectMismatch(apart.find((r) => r.status === 409)!, 'kommunekode');
    await verifies();
  });

  it('lists the register by tilsyn, a page at a time: an inspector their own, Socialstyrelsen and admins all', async () => {
    await stored('midt', evidenceFor('4711', AARHUS));
    await stored('midt', evidenceFor('4712', SILKEBORG));
    await stored('nord', evidenceFor('4713', AALBORG));
    const ids = (res: request.Response) => res.body.items.map((p: { tilbudId: string }) => p.tilbudId);
    expect(ids(await call('get', '/v1/providers', 'midt'))).toEqual(['4711', '4712']);
    expect(ids(await call('get', '/v1/providers', 'nord'))).toEqual(['4713']);
    expect(ids(await call('get', '/v1/providers?tilsyn=Midt', 'nord'))).toEqual([]);
    expect(ids(await call('get', '/v1/providers', 'socialstyrelsen'))).toEqual(['4711', '4712', '4713']);
    expect(ids(await call('get', `/v1/providers?kommunekode=${SILKEBORG}`, 'admin'))).toEqual(['4712']);
    const first = await call('get', '/v1/providers?limit=2', 'admin');
    expect(ids(first)).toEqual(['4711', '4712']);
    expect(ids(await call('get', `/v1/providers?limit=2&cursor=${first.body.nextCursor}`, 'admin'))).toEqual(['4713']);
    expect((await call('get', '/v1/providers?tilsyn=Vest', 'admin')).body.errors).toEqual([expect.objectContaining({ pointer: 'query:tilsyn' })]);
  });

  it('refuses evidence naming another CVR or municipality for a registered provider (409 provider-mismatch, the field\'s pointer), dry runs included, and stores nothing', async () => {
    await stored('midt', evidenceFor('4711', AARHUS));
    const before = (await auditEntries()).length;

    const otherCvr = await evaluate('midt', evidenceFor('4711', AARHUS, { cvr: OTHER_CVR }));
    expectMismatch(otherCvr, 'cvr');
    // Its own tilsyn may see what is registered.
    expect(otherCvr.body.registered).toEqual({ cvr: VALID_CVR, kommunekode: AARHUS });
    // Another municipality, even under the same tilsyn, is a move an admin makes, not something evidence says.
    expectMismatch(await evaluate('midt', evidenceFor('4711', SILKEBORG)), 'kommunekode');
    expectMismatch(await evaluate('midt', evidenceFor('4711', SILKEBORG), true), 'kommunekode');
    const both = await evaluate('midt', evidenceFor('4711', SILKEBORG, { cvr: OTHER_CVR }));
    expectProblem(both, 409, 'provider-mismatch', ['/evidence/provider/cvr provider-mismatch', '/evidence/provider/kommunekode provider-mismatch']);

    // An inspector of another tilsyn learns which field differs, and nothing of the registered provider.
    const nord = await evaluate('nord', evidenceFor('4711', AALBORG, { name: 'Et andet navn' }));
    expectMismatch(nord, 'kommunekode', ['Midt', AARHUS, 'Lærkehøj', 'registered']);

    expect((await auditEntries()).length).toBe(before);
  });

  it('takes the tilsyn from the register, not from the municipality typed: Nord cannot evaluate, see or decide for a Holbæk provider registered under Øst', async () => {
    const evaluationId = await stored('oest', evidenceFor('5000', HOLBAEK, { name: 'Botilbuddet Holbæk Fjord' }));
    const approval = await decided('oest', evaluationId);

    // A Nord municipality typed for it: refused, naming nothing of the provider or its tilsyn.
    const typedNord = await evaluate('nord', evidenceFor('5000', AALBORG, { name: 'Botilbuddet Holbæk Fjord' }));
    expectMismatch(typedNord, 'kommunekode', ['Øst', HOLBAEK, 'Sjælland', 'registered']);
    expectMismatch(await evaluate('nord', evidenceFor('5000', AALBORG), true), 'kommunekode', ['Øst', HOLBAEK]);
    // Its true municipality: the register's tilsyn (Øst) decides, and it is not Nord's.
    expectProblem(await evaluate('nord', evidenceFor('5000', HOLBAEK)), 403, 'provider-of-other-tilsyn');

    expectProblem(await call('get', `/v1/approvals/${approval.id}`, 'nord'), 404, 'approval-not-found');
    expectProblem(await call('get', `/v1/evaluations/${evaluationId}`, 'nord'), 404, 'evaluation-not-found');
    expectProblem(await call('get', '/v1/providers/5000', 'nord'), 404, 'provider-not-found');
    // Øst sees and decides on it.
    expect((await call('get', `/v1/approvals/${approval.id}`, 'oest')).status).toBe(200);
    expect((await call('post', `/v1/approvals/${approval.id}/revoke`, 'oest', { reason: 'Ophørt' })).status).toBe(200);
    await verifies();
  });

  it('answers new evidence on an approval the same way: 409 provider-mismatch for another CVR or municipality, 422 for another tilbud', async () => {
    const approval = await decided('midt', await stored('midt', evidenceFor('4711', AARHUS)));
    const url = `/v1/approvals/${approval.id}/evidence`;
    expectMismatch(await call('post', url, 'midt', { evidence: evidenceFor('4711', AARHUS, { cvr: OTHER_CVR }) }), 'cvr');
    expectMismatch(await call('post', url, 'midt', { evidence: evidenceFor('4711', SILKEBORG) }), 'kommunekode');
    const other = await call('post', url, 'midt', { evidence: evidenceFor('4712', AARHUS) });
    expectProblem(other, 422, 'evidence-of-other-provider', ['/evidence/provider/tilbudId evidence-of-other-provider']);
    expect((await call('post', url, 'midt', { evidence: evidenceFor('4711', AARHUS) })).status).toBe(200);
  });
});

describe('PATCH /v1/providers/{tilbudId}: an admin moves a provider', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('moves the register entry and every approval with it in one audited change: the new tilsyn sees them, the old one no longer, and the record verifies', async () => {
    const firstEvaluation = await stored('midt', evidenceFor('4711', AARHUS));
    const approval = await decided('midt', firstEvaluation);
    const notEligible = await stored('midt', evidenceFor('4711', AARHUS, { eligible: false }));
    const rejection = await decided('midt', notEligible, 'rejected');
    // Evaluated before the move, decided after it.
    const decidedLater = await stored('midt', evidenceFor('4711', AARHUS, { eligible: false }));
    const auditBefore = (await auditEntries()).length;

    expectProblem(await patch('/v1/providers/4711', 'midt', { kommunekode: AALBORG, reason: 'Flyttet' }), 403, 'role-not-allowed');
    const moved = await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG, reason: 'Tilbuddet er flyttet til Aalborg', expectedVersion: 1 });
    expect(moved.status).toBe(200);
    expect(moved.headers.etag).toBe('"2"');
    expect(moved.body).toMatchObject({ tilbudId: '4711', kommunekode: AALBORG, region: 'Nordjylland', tilsyn: 'Nord', version: 2, evaluationId: firstEvaluation });
    expect(moved.body.moves).toEqual([
      {
        at: '2026-10-01T09:00:00.000Z',
        by: 'admin@test',
        trigger: 'admin',
        reason: 'Tilbuddet er flyttet til Aalborg',
        from: { kommunekode: AARHUS, region: 'Midtjylland', tilsyn: 'Midt' },
        to: { kommunekode: AALBORG, region: 'Nordjylland', tilsyn: 'Nord' },
        approvalIds: expect.arrayContaining([approval.id, rejection.id]),
      },
    ]);

    // The approvals followed: their tilsyn and provider location, version + 1; the new tilsyn sees them, the old does not.
    for (const a of [approval, rejection]) {
      const read = await call('get', `/v1/approvals/${a.id}`, 'nord');
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ tilsyn: 'Nord', provider: { tilbudId: '4711', kommunekode: AALBORG, region: 'Nordjylland', tilsyn: 'Nord' }, version: a.version + 1 });
      expectProblem(await call('get', `/v1/approvals/${a.id}`, 'midt'), 404, 'approval-not-found');
    }
    expect((await call('get', '/v1/approvals', 'nord')).body.items.map((a: { id: string }) => a.id).sort()).toEqual([approval.id, rejection.id].sort());
    expect((await call('get', '/v1/approvals', 'midt')).body.items).toEqual([]);
    // The evaluations follow through the register; their evidence is not rewritten.
    const evaluation = await call('get', `/v1/evaluations/${firstEvaluation}`, 'nord');
    expect(evaluation.status).toBe(200);
    expect(evaluation.body.provider).toMatchObject({ kommunekode: AALBORG, tilsyn: 'Nord' });
    expect(evaluation.body.result.provider).toMatchObject({ kommunekode: AARHUS, tilsyn: 'Midt' });
    expectProblem(await call('get', `/v1/evaluations/${firstEvaluation}`, 'midt'), 404, 'evaluation-not-found');
    const listed = (who: Who) => call('get', '/v1/evaluations?tilbudId=4711', who);
    expect((await listed('nord')).body.items).toHaveLength(3);
    expect((await listed('midt')).body.items).toEqual([]);
    // An evaluation made before the move and decided after it is decided where the provider is now.
    const later = await decided('nord', decidedLater, 'rejected');
    expect((await call('get', `/v1/approvals/${later.id}`, 'nord')).body).toMatchObject({ tilsyn: 'Nord', provider: { kommunekode: AALBORG } });

    // Audited: the move, and each approval with its new state; the record verifies.
    const entries = (await auditEntries()).slice(auditBefore);
    expect(entries.slice(0, 3).map((e) => [e.action, e.entityType])).toEqual([
      ['provider.moved', 'provider'],
      ['approval.provider-moved', 'approval'],
      ['approval.provider-moved', 'approval'],
    ]);
    expect(entries[0]).toMatchObject({ entityId: '4711', summary: { trigger: 'admin', from: { tilsyn: 'Midt' }, to: { tilsyn: 'Nord' } } });
    expect(entries[1].summary).toMatchObject({ tilbudId: '4711', state: { version: 2 } });
    await verifies();

    // New evidence names where the provider is now: Aalborg, not Aarhus.
    expectMismatch(await evaluate('nord', evidenceFor('4711', AARHUS)), 'kommunekode');
    expect((await call('post', `/v1/approvals/${approval.id}/evidence`, 'nord', { evidence: evidenceFor('4711', AALBORG) })).status).toBe(200);
    await verifies();
  });

  it('lists a moved provider\'s evaluations under its new place: the new tilsyn finds them with the municipality it has now, the old one no longer', async () => {
    const evaluationId = await stored('midt', evidenceFor('4711', AARHUS));
    expect((await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG, reason: 'Flyttet' })).status).toBe(200);
    const listedForNord = (await call('get', '/v1/evaluations?tilbudId=4711', 'nord')).body.items;
    expect(listedForNord).toEqual([expect.objectContaining({ id: evaluationId, provider: expect.objectContaining({ tilbudId: '4711', kommunekode: AALBORG, tilsyn: 'Nord' }) })]);
    expect((await call('get', '/v1/evaluations?tilbudId=4711', 'midt')).body.items).toEqual([]);
  });

  it('brings along an approval decided on the old location while the provider moved', async () => {
    const evaluationId = await stored('midt', evidenceFor('4711', AARHUS));
    expect((await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG, reason: 'Flyttet' })).status).toBe(200);
    // A decision that read the register just before the move commits after it, still in Aarhus under Midt.
    const straggler = approval({
      provider: provider({ tilbudId: '4711', cvr: VALID_CVR, kommunekode: AARHUS, region: 'Midtjylland', tilsyn: 'Midt' }),
      tilsyn: 'Midt',
      speciale: 'testspeciale',
      evaluationId,
    });
    await seedApproval(svc.store, straggler);
    const again = await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG, reason: 'Flyttet' });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    expect((await call('get', `/v1/approvals/${straggler.id}`, 'nord')).body).toMatchObject({ tilsyn: 'Nord', provider: { kommunekode: AALBORG }, version: 2 });
    expect((await auditEntries()).at(-1)).toMatchObject({ action: 'approval.provider-moved', entityId: straggler.id });
    await verifies();
  });

  it('refuses a stale version, an unknown municipality and an unknown provider; moving it where it is changes nothing', async () => {
    await stored('midt', evidenceFor('4711', AARHUS));
    expect((await patch('/v1/providers/4711', 'admin', { kommunekode: SILKEBORG, reason: 'Flyttet' })).status).toBe(200);
    const stale = await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG, reason: 'Flyttet', expectedVersion: 1 });
    expectProblem(stale, 409, 'provider-changed');
    expect(stale.body).toMatchObject({ type: 'https://specialfunktion.dk/problems/provider-changed', currentVersion: 2 });
    const unknown = await patch('/v1/providers/4711', 'admin', { kommunekode: '999', reason: 'Flyttet' });
    expectProblem(unknown, 422, 'unknown-kommunekode', ['/kommunekode unknown-kommunekode']);
    expect(unknown.body).toMatchObject({ type: 'https://specialfunktion.dk/problems/unknown-kommunekode', errors: [{ pointer: '/kommunekode', code: 'unknown-kommunekode' }] });
    expectProblem(await patch('/v1/providers/9999', 'admin', { kommunekode: AALBORG, reason: 'Flyttet' }), 404, 'provider-not-found');
    expectProblem(await patch('/v1/providers/4711', 'admin', { kommunekode: AALBORG }), 422, 'validation-failed', ['/reason required-property-missing']);
    const entries = (await auditEntries()).length;
    const same = await patch('/v1/providers/4711', 'admin', { kommunekode: SILKEBORG, reason: 'Igen' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ kommunekode: SILKEBORG, version: 2 });
    expect((await auditEntries()).length).toBe(entries);
  });
});

describe('POST /v1/providers/reassignments: after the municipality → socialtilsyn data change', () => {
  /** The data as they would be after the minister let Socialtilsyn Hovedstaden supervise Holbæk. */
  const holbaekToHovedstaden: LocationLookup = buildGeography(kommunerData, { ...socialtilsynData, undtagelser: { [HOLBAEK]: 'Hovedstaden' } });

  beforeEach(async () => {
    svc = await startTestService({ geography: holbaekToHovedstaden });
  });

  it('moves each provider whose municipality now belongs to another tilsyn, with its approvals, audited, reporting what moved; a second run moves nothing', async () => {
    const holbaek = await decided('oest', await stored('oest', evidenceFor('5000', HOLBAEK)));
    await decided('midt', await stored('midt', evidenceFor('4711', AARHUS)));

    expectProblem(await call('post', '/v1/providers/reassignments', 'oest'), 403, 'role-not-allowed');
    const run = await call('post', '/v1/providers/reassignments', 'admin');
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      checked: 2,
      moved: [{ tilbudId: '5000', from: { kommunekode: HOLBAEK, region: 'Sjælland', tilsyn: 'Øst' }, to: { kommunekode: HOLBAEK, region: 'Sjælland', tilsyn: 'Hovedstaden' }, approvalIds: [holbaek.id] }],
      unresolved: [],
      failed: [],
    });
    expect((await call('get', '/v1/providers/5000', 'admin')).body).toMatchObject({ tilsyn: 'Hovedstaden', version: 2, moves: [expect.objectContaining({ trigger: 'reassignment' })] });
    expectProblem(await call('get', `/v1/approvals/${holbaek.id}`, 'oest'), 404, 'approval-not-found');
    expect((await call('get', `/v1/approvals/${holbaek.id}`, 'admin')).body).toMatchObject({ tilsyn: 'Hovedstaden', provider: { tilsyn: 'Hovedstaden' } });
    expect((await call('get', '/v1/providers/4711', 'admin')).body).toMatchObject({ tilsyn: 'Midt', version: 1 });

    const moves = (await auditEntries()).filter((e) => e.action === 'provider.moved');
    expect(moves).toEqual([expect.objectContaining({ entityId: '5000', summary: expect.objectContaining({ trigger: 'reassignment', runId: run.body.runId }) })]);
    await verifies();

    const again = await call('post', '/v1/providers/reassignments', 'admin');
    expect(again.body).toMatchObject({ checked: 2, moved: [], unresolved: [], failed: [] });
  });
});
