/** Leases for batch jobs, run records and other documents, and the store's lifecycle. */
import { approval, evaluation } from '../support/fixtures';
import { audit, auditLength, committed, insertApproval, insertEvaluation, updateApproval, type ContractContext } from './support';

export function operationalContract(t: ContractContext): void {
  describe('leases', () => {
    const t0 = new Date('2026-03-01T10:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);

    it('a lease is exclusive until it expires and can then be taken by another holder', async () => {
      expect(await t.store.acquireLease('recheck-batch', 'instance-a', 60_000, t0)).toBe(true);
      expect(await t.store.acquireLease('recheck-batch', 'instance-b', 60_000, at(1_000))).toBe(false);
      expect(await t.store.acquireLease('recheck-batch', 'instance-b', 60_000, at(59_999))).toBe(false);
      expect(await t.store.acquireLease('recheck-batch', 'instance-b', 60_000, at(60_000))).toBe(true);
      expect(await t.store.acquireLease('recheck-batch', 'instance-a', 60_000, at(61_000))).toBe(false);
    });

    it('the holder can extend its lease, which keeps others out for longer', async () => {
      expect(await t.store.acquireLease('l', 'a', 10_000, t0)).toBe(true);
      expect(await t.store.acquireLease('l', 'a', 10_000, at(8_000))).toBe(true);
      expect(await t.store.acquireLease('l', 'b', 10_000, at(12_000))).toBe(false);
      expect(await t.store.acquireLease('l', 'b', 10_000, at(18_000))).toBe(true);
    });

    it('releasing frees the lease; only the holder can release it', async () => {
      expect(await t.store.acquireLease('l', 'a', 60_000, t0)).toBe(true);
      await t.store.releaseLease('l', 'b');
      expect(await t.store.acquireLease('l', 'b', 60_000, at(1))).toBe(false);
      await t.store.releaseLease('l', 'a');
      expect(await t.store.acquireLease('l', 'b', 60_000, at(2))).toBe(true);
    });

    it('releasing needs the holder: without one nothing is released', async () => {
      expect(await t.store.acquireLease('l', 'a', 60_000, t0)).toBe(true);
      await expect(t.store.releaseLease('l', undefined as unknown as string)).rejects.toThrow();
      expect(await t.store.acquireLease('l', 'b', 60_000, at(1))).toBe(false);
    });

    it('different lease names are independent', async () => {
      expect(await t.store.acquireLease('one', 'a', 60_000, t0)).toBe(true);
      expect(await t.store.acquireLease('two', 'b', 60_000, t0)).toBe(true);
    });

    it('of concurrent attempts on a free lease exactly one holder gets it', async () => {
      const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((h) => t.store.acquireLease('race', h, 60_000, t0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('documents', () => {
    it('a document committed with a change is an idempotency key: a second with its id is refused and the first kept', async () => {
      await committed(t.store, { audit: audit(1), documents: [{ collection: 'rechecks', doc: { id: 'ap-1:due-2027-03-01', outcome: 'compliant' } }] });
      const outcome = await t.store.commit({ audit: audit(2), documents: [{ collection: 'rechecks', doc: { id: 'ap-1:due-2027-03-01', outcome: 'at-risk' } }] });
      expect(outcome).toEqual({ committed: false, reason: 'duplicate-id', collection: 'rechecks', id: 'ap-1:due-2027-03-01' });
      expect(await t.store.getDocument('rechecks', 'ap-1:due-2027-03-01')).toEqual({ id: 'ap-1:due-2027-03-01', outcome: 'compliant' });
      expect(await auditLength(t.store)).toBe(1);
    });

    it('putRun inserts or replaces a run record, writes no audit entry, and getDocument reads it back', async () => {
      await t.store.putRun({ id: 'run-1', status: 'running', counts: { compliant: 0 }, meta: { 'odd.key': { $x: 1 } } });
      await t.store.putRun({ id: 'run-1', status: 'finished', counts: { compliant: 3 } });
      expect(await t.store.getDocument('recheckRuns', 'run-1')).toEqual({ id: 'run-1', status: 'finished', counts: { compliant: 3 } });
      expect(await t.store.getDocument('recheckRuns', 'run-2')).toBeNull();
      expect(await auditLength(t.store)).toBe(0);
    });

    it('collections are separate', async () => {
      await t.store.putRun({ id: 'x', kind: 'run' });
      expect(await t.store.getDocument('capacityChanges', 'x')).toBeNull();
      await committed(t.store, { audit: audit(1), documents: [{ collection: 'capacityChanges', doc: { id: 'x', kind: 'change' } }] });
      expect(await t.store.getDocument('recheckRuns', 'x')).toEqual({ id: 'x', kind: 'run' });
      expect(await t.store.getDocument('capacityChanges', 'x')).toEqual({ id: 'x', kind: 'change' });
    });

    it('findDocuments returns the documents whose fields strictly equal every query value, ordered by id', async () => {
      await t.store.putRun({ id: 'r3', status: 'running', holder: 'a', examined: 3, done: false });
      await t.store.putRun({ id: 'r1', status: 'running', holder: 'b', examined: 0, done: false });
      await t.store.putRun({ id: 'r2', status: 'finished', holder: 'a', examined: 3, done: true });
      await t.store.putRun({ id: 'r4', status: ['running'], holder: 'a', examined: '3', done: 1 });
      await t.store.putRun({ id: 'r5', 'odd key': 'x', status: { running: true } });
      const ids = async (query: Record<string, string | number | boolean>) => (await t.store.findDocuments('recheckRuns', query)).map((d) => d.id);
      expect(await ids({ status: 'running' })).toEqual(['r1', 'r3']);
      expect(await ids({ holder: 'a', examined: 3 })).toEqual(['r2', 'r3']);
      expect(await ids({ done: true })).toEqual(['r2']);
      expect(await ids({ done: false })).toEqual(['r1', 'r3']);
      expect(await ids({ 'odd key': 'x' })).toEqual(['r5']);
      expect(await ids({})).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(await t.store.findDocuments('recheckRuns', { status: 'gone' })).toEqual([]);
    });

    it('findDocuments refuses operator and path keys, and unknown collections are refused', async () => {
      await expect(t.store.findDocuments('recheckRuns', { $where: 'true' })).rejects.toBeInstanceOf(TypeError);
      await expect(t.store.findDocuments('recheckRuns', { 'counts.compliant': 1 })).rejects.toBeInstanceOf(TypeError);
      await expect(t.store.getDocument('users' as 'rechecks', 'x')).rejects.toBeInstanceOf(TypeError);
      await expect(t.store.commit({ audit: audit(1), documents: [{ collection: 'users' as 'rechecks', doc: { id: 'x' } }] })).rejects.toBeInstanceOf(TypeError);
      expect(await auditLength(t.store)).toBe(0);
    });
  });

  describe('lifecycle', () => {
    it('ping succeeds on a working store', async () => {
      await expect(t.store.ping()).resolves.toBeUndefined();
    });

    it('everything survives close() and reopening', async () => {
      const e = evaluation({ approvalId: 'x' });
      const a = approval();
      await insertEvaluation(t.store, e);
      await insertApproval(t.store, a);
      expect(await updateApproval(t.store, { ...a, status: 'at-risk' }, 1)).toMatchObject({ committed: true });
      await committed(t.store, { audit: audit('doc'), documents: [{ collection: 'capacityChanges', doc: { id: 'c1', places: 12 } }] });
      expect(await t.store.acquireLease('l', 'holder-1', 60_000, new Date('2026-03-01T10:00:00Z'))).toBe(true);
      await t.store.putRun({ id: 'run-1', status: 'finished' });
      const entries = await t.store.listAudit({ limit: 10 });
      const head = await t.store.auditHead();

      const store = await t.harness.reopen();
      expect(await store.getEvaluation(e.id)).toEqual(e);
      expect(await store.getApproval(a.id)).toEqual({ ...a, status: 'at-risk', version: 2 });
      expect(await store.listAudit({ limit: 10 })).toEqual(entries);
      expect(await store.auditHead()).toEqual(head);
      expect(await store.verifyAuditChain({ head: head! })).toMatchObject({ ok: true, entries: 4 });
      expect(await store.acquireLease('l', 'holder-2', 60_000, new Date('2026-03-01T10:00:30Z'))).toBe(false);
      expect(await store.getDocument('capacityChanges', 'c1')).toEqual({ id: 'c1', places: 12 });
      expect(await store.getDocument('recheckRuns', 'run-1')).toEqual({ id: 'run-1', status: 'finished' });
      // And the reopened store still refuses a stale version.
      expect(await updateApproval(store, { ...a, status: 'revoked' }, 1)).toMatchObject({ committed: false, reason: 'stale-version' });
    });
  });
}
