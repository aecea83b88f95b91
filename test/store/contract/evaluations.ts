/** Evaluations: stored with their entry, read back whole or as evidence alone, evidence read-only. */
import { evaluation, type EvaluationRecord } from '../support/fixtures';
import { audit, auditLength, insertEvaluation, type ContractContext } from './support';

export function evaluationContract(t: ContractContext): void {
  describe('evaluations', () => {
    it('a committed evaluation reads back equal, and an unknown id reads as null', async () => {
      const e = evaluation({ approvalId: 'a-1', trigger: 'recheck' });
      await insertEvaluation(t.store, e);
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
      expect(await t.store.getEvaluation('no-such-id')).toBeNull();
    });

    it('free-form evidence and results come back exactly, whatever their keys look like', async () => {
      const odd = { 'dotted.key': 1, $dollar: { nested: [1, 'to', null, { 'ø.æ': true }] }, empty: {}, list: [], deep: { a: { b: { c: 'Øst' } } } };
      const e = evaluation({ evidence: odd, result: { ...odd, overall: 'eligible' } });
      await insertEvaluation(t.store, e);
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
    });

    it('evidence read back is read-only, down to its nested values, so it is always what was stored', async () => {
      const e = evaluation({ approvalId: 'a-frozen', evidence: { provider: { name: 'Lærkehøj' }, staff: [{ ref: 'M-1' }] } });
      await insertEvaluation(t.store, e);
      for (const read of [await t.store.getEvaluation(e.id), await t.store.latestEvaluationForApproval('a-frozen')]) {
        const evidence = read!.evidence as { provider: { name: string }; staff: { ref: string }[] };
        expect(() => {
          evidence.provider.name = 'changed';
        }).toThrow(TypeError);
        expect(() => evidence.staff.push({ ref: 'M-2' })).toThrow(TypeError);
        expect(evidence).toEqual(e.evidence);
      }
    });

    it('the rest of an evaluation read back is the reader\'s own copy', async () => {
      const e = evaluation();
      await insertEvaluation(t.store, e);
      const read = (await t.store.getEvaluation(e.id)) as EvaluationRecord;
      read.overall = 'not-eligible';
      (read.result as { overall: string }).overall = 'not-eligible';
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
    });

    it('an evaluation with an existing id is refused as a duplicate, the original is kept and no entry is written', async () => {
      const e = evaluation();
      await insertEvaluation(t.store, e);
      const outcome = await t.store.commit({ audit: audit('again'), evaluation: { ...e, overall: 'not-eligible' } });
      expect(outcome).toEqual({ committed: false, reason: 'duplicate-id', collection: 'evaluations', id: e.id });
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
      expect(await auditLength(t.store)).toBe(1);
    });

    it('latestEvaluationForApproval gives the most recent evaluation linked to the approval', async () => {
      const older = evaluation({ approvalId: 'ap-1', createdAt: '2026-04-01T08:00:00.000Z' });
      const newest = evaluation({ approvalId: 'ap-1', createdAt: '2026-05-01T08:00:00.000Z' });
      const otherApproval = evaluation({ approvalId: 'ap-2', createdAt: '2026-06-01T08:00:00.000Z' });
      const unlinked = evaluation({ createdAt: '2026-07-01T08:00:00.000Z' });
      for (const e of [newest, older, otherApproval, unlinked]) await insertEvaluation(t.store, e);
      expect(await t.store.latestEvaluationForApproval('ap-1')).toEqual(newest);
      expect(await t.store.latestEvaluationForApproval('ap-3')).toBeNull();
    });

    it('the evidence of an evaluation reads back alone with the hash its record holds, read-only, and survives a reopen', async () => {
      const older = evaluation({ approvalId: 'ap-1', createdAt: '2026-04-01T08:00:00.000Z', evidence: { reportingDate: '2026-03-01', staff: [{ ref: 'M-1' }] } });
      const newest = evaluation({ approvalId: 'ap-1', createdAt: '2026-05-01T08:00:00.000Z', evidence: { reportingDate: '2026-04-01', staff: [{ ref: 'M-2' }] } });
      for (const e of [newest, older]) await insertEvaluation(t.store, e);
      for (const reopened of [false, true]) {
        const s = reopened ? await t.harness.reopen() : t.store;
        expect(await s.getEvaluationEvidence(older.id)).toEqual({ evaluationId: older.id, evidence: older.evidence, evidenceHash: older.evidenceHash });
        const read = await s.getEvaluationEvidence(newest.id);
        expect(read).toEqual({ evaluationId: newest.id, evidence: newest.evidence, evidenceHash: newest.evidenceHash });
        expect(Object.isFrozen((read!.evidence as { staff: object[] }).staff[0])).toBe(true);
        expect(await s.getEvaluationEvidence('no-such-id')).toBeNull();
      }
    });

    it('a re-check stores evidence read back from the store with its new evaluation, and both read back whole', async () => {
      const first = evaluation({ approvalId: 'ap-1', evidence: { staff: Array.from({ length: 20 }, (_, i) => ({ ref: `S${i}`, fte: 1 })) } });
      await insertEvaluation(t.store, first);
      const evidence = (await t.store.getEvaluationEvidence(first.id))!.evidence;
      const recheck = evaluation({ approvalId: 'ap-1', createdAt: '2026-09-01T10:00:00.000Z', evidence, trigger: 'recheck' });
      const changed = evaluation({ approvalId: 'ap-1', createdAt: '2026-10-01T10:00:00.000Z', evidence: { staff: [{ ref: 'S0', fte: 0.5 }] } });
      await insertEvaluation(t.store, recheck);
      await insertEvaluation(t.store, changed);
      const s = await t.harness.reopen();
      expect(await s.getEvaluation(first.id)).toEqual(first);
      expect(await s.getEvaluation(recheck.id)).toEqual({ ...recheck, evidence: first.evidence });
      expect(await s.getEvaluation(changed.id)).toEqual(changed);
    });
  });
}
