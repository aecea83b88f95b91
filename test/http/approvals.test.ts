import request from 'supertest';
import { ApprovalService } from '../../src/approvals/service';
import type { Principal } from '../../src/auth/types';
import type { RecordChange } from '../../src/approvals/records';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { apiCaller, bearer, startTestService, type TestService, type Who } from '../support/testService';
import { seedApprovalChange } from '../support/seed';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

const call = apiCaller(() => svc);

async function evaluation(evidenceOverrides: Record<string, unknown> = {}, who: Who = 'midt'): Promise<string> {
  const res = await call('post', '/v1/evaluations', who, {
    speciale: 'testspeciale',
    level: 'specialfunktion',
    evidence: { ...eligibleEvidence(), ...evidenceOverrides },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function approved(): Promise<{ id: string; version: number }> {
  const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation(), decision: 'approved', reason: 'Kriterierne er opfyldt' });
  expect(res.status).toBe(201);
  return res.body;
}

type AuditItem = { seq: number; action: string; entityId: string; summary: Record<string, unknown> };
async function auditEntries(): Promise<AuditItem[]> {
  return (await call('get', '/v1/audit?limit=100', 'admin')).body.items;
}

const ADMIN: Principal = { subject: 'admin@test', role: 'admin' };
const MIDT: Principal = { subject: 'inspektoer@midt', role: 'inspector', tilsyn: 'Midt' };

describe('POST /v1/approvals', () => {
  it('approves an eligible evaluation with validity and next re-check from the rule set', async () => {
    const evaluationId = await evaluation();
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/approvals/${res.body.id}`);
    expect(res.body).toMatchObject({
      decision: 'approved',
      status: 'active',
      validFrom: '2026-10-01',
      validUntil: '2030-09-30',
      nextDueDate: '2027-10-01',
      rulesetVersion: '1.0.0',
      evaluationId,
      tilsyn: 'Midt',
      createdBy: 'inspektoer@midt',
      version: 1,
    });
    expect(res.body.history).toEqual([expect.objectContaining({ type: 'decision', by: 'inspektoer@midt', reason: 'Kriterierne er opfyldt', toStatus: 'active' })]);
  });

  it('refuses to approve an evaluation that is not eligible, listing the unmet required requirements', async () => {
    const evaluationId = await evaluation({ agreements: [] });
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'x' });
    expectProblem(res, 409, 'not-eligible');
    expect(res.body.unmetRequirements).toEqual([{ id: 'TST-SF-04', title: 'Samarbejde', outcome: 'not-met' }]);
    expect((await call('get', '/v1/approvals', 'admin')).body.items).toEqual([]);
  });

  it('records a rejection as a decision too', async () => {
    const evaluationId = await evaluation({ agreements: [] });
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'rejected', reason: 'Mangler samarbejdsaftale' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ decision: 'rejected', status: 'rejected' });
  });

  it('refuses a second live approval for the same provider, speciale and level', async () => {
    const first = await approved();
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation(), decision: 'approved', reason: 'igen' });
    expectProblem(res, 409, 'approval-in-force');
    expect(res.body.approvalId).toBe(first.id);
  });

  it('stores one of two simultaneous approvals for the same provider (a double submission) and answers the other 409', async () => {
    const [first, second] = [await evaluation(), await evaluation()];
    const answers = await Promise.all([
      call('post', '/v1/approvals', 'midt', { evaluationId: first, decision: 'approved', reason: 'første' }),
      call('post', '/v1/approvals', 'admin', { evaluationId: second, decision: 'approved', reason: 'anden' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const stored = answers.find((a) => a.status === 201)!.body;
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ type: 'https://specialfunktion.dk/problems/approval-in-force', approvalId: stored.id });
    expect((await call('get', '/v1/approvals', 'admin')).body.items.map((a: { id: string }) => a.id)).toEqual([stored.id]);
    // The refused decision left no audit entry: a change and its entry commit together or not at all.
    const entries = await auditEntries();
    expect(entries.filter((e) => e.action === 'approval.approved').map((e) => e.entityId)).toEqual([stored.id]);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_e, i) => i + 1));
  });

  it('refuses a validity longer than the rule set allows', async () => {
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation(), decision: 'approved', reason: 'x', validUntil: '2031-01-01' });
    expectProblem(res, 422, 'validity-too-long', ['/validUntil validity-too-long']);
  });

  it('requires a reason', async () => {
    const res = await call('post', '/v1/approvals', 'midt', { evaluationId: await evaluation(), decision: 'approved' });
    expectProblem(res, 422, 'validation-failed', ['/reason required-property-missing']);
  });

  it('lets neither Socialstyrelsen nor another tilsyn decide', async () => {
    const evaluationId = await evaluation();
    expectProblem(await call('post', '/v1/approvals', 'socialstyrelsen', { evaluationId, decision: 'approved', reason: 'x' }), 403, 'role-not-allowed');
    expectProblem(await call('post', '/v1/approvals', 'nord', { evaluationId, decision: 'approved', reason: 'x' }), 404, 'evaluation-not-found');
  });
});

describe('GET /v1/approvals', () => {
  it('filters and pages through every approval exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const evaluationId = await evaluation({ provider: { ...eligibleEvidence().provider, tilbudId: String(1000 + i) } });
      const res = await call('post', '/v1/approvals', 'midt', { evaluationId, decision: 'approved', reason: 'ok' });
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await call('get', `/v1/approvals?limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'midt');
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((a: { id: string }) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await call('get', '/v1/approvals?tilbudId=1003', 'admin')).body.items.map((a: { id: string }) => a.id)).toEqual([ids[3]]);
    expect((await call('get', '/v1/approvals?status=revoked', 'admin')).body.items).toEqual([]);
    expect((await call('get', '/v1/approvals?expiringBefore=2030-10-01', 'admin')).body.items).toHaveLength(5);
    expect((await call('get', '/v1/approvals?expiringBefore=2030-09-30', 'admin')).body.items).toHaveLength(0);
  });

  it("shows an inspector only its own tilsyn's approvals", async () => {
    await approved();
    expect((await call('get', '/v1/approvals', 'nord')).body.items).toEqual([]);
    expect((await call('get', '/v1/approvals?tilsyn=Midt', 'nord')).body.items).toEqual([]);
    expect((await call('get', '/v1/approvals', 'socialstyrelsen')).body.items).toHaveLength(1);
  });

  it('answers 422 naming every bad filter at once', async () => {
    const res = await call('get', '/v1/approvals?status=sleeping&limit=0', 'admin');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ pointer: 'query:status', code: 'value-not-allowed' }),
      expect.objectContaining({ pointer: 'query:limit', code: 'below-minimum' }),
    ]);
  });
});

describe('revoking and renewing', () => {
  it('revokes with a reason, keeps the history, and refuses a second revocation', async () => {
    const a = await approved();
    const res = await call('post', `/v1/approvals/${a.id}/revoke`, 'midt', { reason: 'Samarbejdsaftalen er ophørt' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', version: 2 });
    expect(res.body.history.map((h: { type: string }) => h.type)).toEqual(['decision', 'revocation']);
    const again = await call('post', `/v1/approvals/${a.id}/revoke`, 'midt', { reason: 'igen' });
    expectProblem(again, 409, 'approval-revoked');
    const read = await call('get', `/v1/approvals/${a.id}`, 'midt');
    expect(read.headers.etag).toBe('"2"');
    expect(read.body.history[1]).toMatchObject({ by: 'inspektoer@midt', reason: 'Samarbejdsaftalen er ophørt', fromStatus: 'active', toStatus: 'revoked' });
  });

  it('requires a reason to revoke', async () => {
    const a = await approved();
    expectProblem(await call('post', `/v1/approvals/${a.id}/revoke`, 'midt', {}), 422, 'validation-failed', ['/reason required-property-missing']);
  });

  it('lets one of two concurrent decisions win and answers the other 409', async () => {
    const a = await approved();
    const [one, two] = await Promise.all([
      call('post', `/v1/approvals/${a.id}/revoke`, 'midt', { reason: 'én', expectedVersion: 1 }),
      call('post', `/v1/approvals/${a.id}/revoke`, 'admin', { reason: 'to', expectedVersion: 1 }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    const read = await call('get', `/v1/approvals/${a.id}`, 'admin');
    expect(read.body.history).toHaveLength(2);
    // The loser wrote nothing, its audit entry included: one revocation in the log.
    const entries = await auditEntries();
    expect(entries.filter((e) => e.action === 'approval.revoked').map((e) => e.summary.reason)).toEqual([read.body.history[1].reason]);
  });

  it('refuses, and leaves no audit entry for, a revocation that lost to one committed by another instance at the same moment', async () => {
    const a = await approved();
    const elsewhere = new ApprovalService({ store: svc.store, rules: svc.rules, clock: svc.clock });
    let raced = false;
    // The other instance's revocation commits between this one's read of the approval and its commit.
    const racing = new Proxy(svc.store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'commit' && !raced) {
          return async (change: RecordChange) => {
            raced = true;
            await elsewhere.revoke(ADMIN, a.id, { reason: 'anden instans' });
            return target.commit(change);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const here = new ApprovalService({ store: racing, rules: svc.rules, clock: svc.clock });
    await expect(here.revoke(MIDT, a.id, { reason: 'her' })).rejects.toMatchObject({ kind: 'conflict' });
    const entries = (await auditEntries()).filter((e) => e.entityId === a.id).map(({ action, summary }) => ({ action, reason: summary.reason }));
    expect(entries).toEqual([
      { action: 'approval.approved', reason: 'Kriterierne er opfyldt' },
      { action: 'approval.revoked', reason: 'anden instans' },
    ]);
    expect((await svc.store.getApproval(a.id))!.history.map((h) => h.reason)).toEqual(['Kriterierne er opfyldt', 'anden instans']);
    expect(await svc.store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('refuses a decision made on a stale version', async () => {
    const a = await approved();
    const res = await call('post', `/v1/approvals/${a.id}/revoke`, 'midt', { reason: 'x', expectedVersion: 7 });
    expectProblem(res, 409, 'approval-changed');
    expect(res.body.currentVersion).toBe(1);
  });

  it('renews from a new eligible evaluation, extending validity and keeping history', async () => {
    const a = await approved();
    svc.clock.set('2030-05-01T09:00:00Z');
    const evaluationId = await evaluation({
      reportingDate: '2030-04-01',
      staff: eligibleEvidence().staff!.map((s) => ({ ...s, competences: s.competences?.map((c) => ({ ...c, obtainedOn: '2029-01-01' })) })),
      citizenCourses: { entries: [1, 2, 3].map((n) => ({ ref: `F-${n}`, startDate: '2030-02-0' + n, targetGroup: 'voksne' })) },
    });
    const res = await call('post', `/v1/approvals/${a.id}/renew`, 'midt', { evaluationId, reason: 'Fornyet efter ny dokumentation' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', validFrom: '2026-10-01', validUntil: '2034-09-30', evaluationId, version: 2 });
    expect(res.body.history.map((h: { type: string }) => h.type)).toEqual(['decision', 'renewal']);
  });

  it('refuses to renew an expired approval, saying to apply anew (whether or not a newer approval is in force)', async () => {
    const old = await approved();
    const stored = (await svc.store.getApproval(old.id))!;
    // Lapsed yesterday: after expiry comes a new approval, not a renewal.
    expect(await seedApprovalChange(svc.store, { ...stored, status: 'expired', validUntil: '2026-09-30' }, stored.version)).toBe(true);
    const lone = await call('post', `/v1/approvals/${old.id}/renew`, 'midt', { evaluationId: await evaluation(), reason: 'Fornyet' });
    expect(lone.status).toBe(409);
    expect(lone.body.type).toBe('https://specialfunktion.dk/problems/approval-expired');
    await approved();
    const res = await call('post', `/v1/approvals/${old.id}/renew`, 'midt', { evaluationId: await evaluation(), reason: 'Fornyet' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://specialfunktion.dk/problems/approval-expired');
    expect((await call('get', `/v1/approvals/${old.id}`, 'midt')).body).toMatchObject({ status: 'expired', version: 2 });
  });

  it('refuses to renew from an evaluation that is not eligible', async () => {
    const a = await approved();
    const evaluationId = await evaluation({ agreements: [] });
    const res = await call('post', `/v1/approvals/${a.id}/renew`, 'midt', { evaluationId });
    expectProblem(res, 409, 'not-eligible');
    expect(res.body.unmetRequirements.map((r: { id: string }) => r.id)).toEqual(['TST-SF-04']);
  });

  it("is 404 for another tilsyn's inspector", async () => {
    const a = await approved();
    expectProblem(await call('get', `/v1/approvals/${a.id}`, 'nord'), 404, 'approval-not-found');
    expectProblem(await call('post', `/v1/approvals/${a.id}/revoke`, 'nord', { reason: 'x' }), 404, 'approval-not-found');
  });
});

describe('re-checks on demand and with new evidence', () => {
  const recheckEntries = async (id: string) => (await svc.store.getApproval(id))!.history.filter((h) => h.type === 'recheck');

  it('re-checks on demand with no body at all, an empty JSON body, or a reason', async () => {
    const a = await approved();
    const bare = await request(svc.app).post(`/v1/approvals/${a.id}/recheck`).set('Authorization', bearer('midt'));
    expectResponseMatchesSpec(bare);
    expect(bare.status).toBe(200);
    expect((await call('post', `/v1/approvals/${a.id}/recheck`, 'midt', {})).status).toBe(200);
    const withReason = await call('post', `/v1/approvals/${a.id}/recheck`, 'midt', { reason: 'Henvendelse fra kommunen' });
    expect(withReason.status).toBe(200);
    expect(await recheckEntries(a.id)).toHaveLength(3);
  });

  it('refuses a re-check body that does not follow the contract, and re-checks nothing', async () => {
    const a = await approved();
    const wrong = await call('post', `/v1/approvals/${a.id}/recheck`, 'midt', { reason: 42, extra: 1 });
    expect(wrong.status).toBe(422);
    expect(wrong.body.type).toBe('https://specialfunktion.dk/problems/validation-failed');
    expect(wrong.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`).sort()).toEqual(['/extra unknown-property', '/reason wrong-type']);
    const long = await call('post', `/v1/approvals/${a.id}/recheck`, 'midt', { reason: 'x'.repeat(3000) });
    expect(long.status).toBe(422);
    expect(long.body.errors).toEqual([{ pointer: '/reason', code: 'too-long', message: expect.any(String) }]);
    const text = await request(svc.app).post(`/v1/approvals/${a.id}/recheck`).set('Authorization', bearer('midt')).set('Content-Type', 'text/plain').send('genvurdér');
    expectResponseMatchesSpec(text);
    expect(text.status).toBe(415);
    expect(text.body.type).toBe('https://specialfunktion.dk/problems/unsupported-media-type');
    expect(await recheckEntries(a.id)).toHaveLength(0);
  });

  it("refuses new evidence naming another CVR or municipality than the provider register (409 provider-mismatch), until an admin moves the provider", async () => {
    const a = await approved();
    const provider = eligibleEvidence().provider;
    const otherCvr = await call('post', `/v1/approvals/${a.id}/evidence`, 'midt', { evidence: { ...eligibleEvidence(), provider: { ...provider, cvr: '12345674' } } });
    expect(otherCvr.status).toBe(409);
    expect(otherCvr.body.type).toBe('https://specialfunktion.dk/problems/provider-mismatch');
    expect(otherCvr.body.errors).toEqual([{ pointer: '/evidence/provider/cvr', code: 'provider-mismatch', message: expect.stringContaining(provider.cvr) }]);
    // København is under Socialtilsyn Hovedstaden; the approval is Midt's.
    const otherTilsyn = await call('post', `/v1/approvals/${a.id}/evidence`, 'midt', { evidence: { ...eligibleEvidence(), provider: { ...provider, kommunekode: '101' } } });
    expectProblem(otherTilsyn, 409, 'provider-mismatch');
    expect(otherTilsyn.body.errors).toEqual([{ pointer: '/evidence/provider/kommunekode', code: 'provider-mismatch', message: expect.stringContaining(provider.kommunekode) }]);
    // Another municipality under the same socialtilsyn (Silkeborg, Midt) is a move too: an admin makes it in the register.
    const silkeborg = { ...eligibleEvidence(), provider: { ...provider, kommunekode: '740' } };
    expectProblem(await call('post', `/v1/approvals/${a.id}/evidence`, 'midt', { evidence: silkeborg }), 409, 'provider-mismatch');
    expect(await recheckEntries(a.id)).toHaveLength(0);
    const move = await request(svc.app).patch(`/v1/providers/${provider.tilbudId}`).set('Authorization', bearer('admin')).send({ kommunekode: '740', reason: 'Flyttet til Silkeborg' });
    expectResponseMatchesSpec(move);
    expect(move.status).toBe(200);
    expect((await call('post', `/v1/approvals/${a.id}/evidence`, 'midt', { evidence: silkeborg })).status).toBe(200);
  });
});

describe('audit log', () => {
  it('records every evaluation and decision in a chain an admin can read and verify', async () => {
    const a = await approved();
    await call('post', `/v1/approvals/${a.id}/revoke`, 'midt', { reason: 'ophørt' });
    const log = await call('get', '/v1/audit', 'admin');
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['evaluation.created', 'approval.approved', 'approval.revoked']);
    expect(log.body.items.map((e: { subject: string }) => e.subject)).toEqual(['inspektoer@midt', 'inspektoer@midt', 'inspektoer@midt']);
    expect(log.body.items[1].prevHash).toBe(log.body.items[0].hash);
    expect(JSON.stringify(log.body)).not.toContain('M-001');
    const verify = await call('get', '/v1/audit/verify', 'admin');
    expect(verify.body).toMatchObject({ ok: true, entries: 3 });
  });

  it('is for admins only', async () => {
    expectProblem(await call('get', '/v1/audit', 'socialstyrelsen'), 403, 'role-not-allowed');
    expectProblem(await call('get', '/v1/audit', 'midt'), 403, 'role-not-allowed');
  });

  it('has no route that edits or deletes entries', async () => {
    for (const method of ['put', 'delete', 'patch', 'post'] as const) {
      const res = await request(svc.app)[method]('/v1/audit').set('Authorization', bearer('admin'));
      expectProblem(res, 405, 'method-not-allowed');
    }
  });
});
