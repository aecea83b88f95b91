/**
 * Changes and their audit entries: committed together or not at all, a refused change using no seq,
 * batches, concurrency, the head, and a chain that verifies.
 */
import { GENESIS_HASH, auditEntryHash } from '../../../src/store/auditHash';
import type { AuditEntry } from '../../../src/store/types';
import { approval, evaluation, provider, type ContractChange } from '../support/fixtures';
import { audit, auditLength, committed, insertApproval, insertEvaluation, type ContractContext } from './support';

export function auditContract(t: ContractContext): void {
  describe('changes and the audit log', () => {
    const input = (i: number) => ({
      at: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
      subject: 'inspektoer@midt',
      action: 'approval.approved',
      entityType: 'approval',
      entityId: `ap-${i}`,
      summary: { i, reason: 'Opfylder kriterierne', nested: { list: [1, 2, 3] } },
    });

    it('an empty log verifies and has no head', async () => {
      expect(await t.store.verifyAuditChain()).toEqual({ ok: true, entries: 0, head: null });
      expect(await t.store.listAudit({ limit: 10 })).toEqual([]);
      expect(await t.store.auditHead()).toBeNull();
    });

    it('a change and its entry commit together: the entry takes the next seq and the record is there', async () => {
      const e = evaluation({ approvalId: 'ap-x' });
      const a = approval({ evaluationId: e.id });
      const first = await committed(t.store, { audit: input(1), evaluation: e, approval: { insert: a }, documents: [{ collection: 'rechecks', doc: { id: `${a.id}:due`, outcome: 'compliant' } }] });
      expect(first).toMatchObject({ ...input(1), seq: 1, prevHash: GENESIS_HASH });
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
      expect(await t.store.getApproval(a.id)).toEqual(a);
      expect(await t.store.getDocument('rechecks', `${a.id}:due`)).toEqual({ id: `${a.id}:due`, outcome: 'compliant' });
      const second = await committed(t.store, { audit: input(2), approval: { update: { ...a, status: 'at-risk' }, expectedVersion: 1 } });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(await t.store.getApproval(a.id)).toMatchObject({ status: 'at-risk', version: 2 });
      expect(await t.store.listAudit({ limit: 10 })).toEqual([first, second]);
    });

    it('a change with only an entry (an event with no record) commits its entry', async () => {
      const entry = await committed(t.store, { audit: input(1) });
      expect(await t.store.listAudit({ limit: 10 })).toEqual([entry]);
    });

    it('commits form a gapless hash chain whose verification passes', async () => {
      const entries: AuditEntry[] = [];
      for (let i = 1; i <= 5; i++) entries.push(await committed(t.store, { audit: input(i) }));
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(entries[0].prevHash).toBe(GENESIS_HASH);
      for (let i = 0; i < entries.length; i++) {
        const { hash, ...withoutHash } = entries[i];
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(auditEntryHash(withoutHash)).toBe(hash);
        if (i > 0) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
        expect(entries[i]).toMatchObject(input(i + 1));
      }
      expect(await t.store.listAudit({ limit: 100 })).toEqual(entries);
      const last = entries[4];
      expect(await t.store.verifyAuditChain()).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: last.hash, at: last.at } });
    });

    it('auditHead is the newest entry: its seq, hash and time', async () => {
      await committed(t.store, { audit: input(1) });
      const newest = await committed(t.store, { audit: input(2) });
      expect(await t.store.auditHead()).toEqual({ seq: 2, hash: newest.hash, at: newest.at });
    });

    it('listAudit pages in seq order after a given seq', async () => {
      for (let i = 1; i <= 7; i++) await committed(t.store, { audit: input(i) });
      expect((await t.store.listAudit({ limit: 3 })).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await t.store.listAudit({ limit: 3, afterSeq: 3 })).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect((await t.store.listAudit({ limit: 3, afterSeq: 6 })).map((e) => e.seq)).toEqual([7]);
      expect(await t.store.listAudit({ limit: 3, afterSeq: 7 })).toEqual([]);
    });

    it('50 concurrent commits form one gapless chain, each record with its own entry', async () => {
      const records = Array.from({ length: 50 }, () => approval());
      const outcomes = await Promise.all(records.map((a, i) => t.store.commit({ audit: { ...input(i + 1), entityId: a.id }, approval: { insert: a } })));
      const entries = outcomes.map((o) => (o.committed ? o.entry : null));
      expect(entries.map((e) => e?.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      entries.forEach((e, i) => expect(e?.entityId).toBe(records[i].id));
      for (const a of records) expect(await t.store.getApproval(a.id)).toEqual(a);
      expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 50 });
    });

    it('what is stored is exactly what was hashed: dates become ISO strings, undefined is dropped', async () => {
      const entry = await committed(t.store, { audit: { ...input(1), summary: { when: new Date('2026-03-01T10:00:00Z'), gone: undefined, kept: null } } });
      expect(entry.summary).toEqual({ when: '2026-03-01T10:00:00.000Z', kept: null });
      expect(await t.store.listAudit({ limit: 1 })).toEqual([entry]);
      expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 1 });
    });

    it('commits after a reopen continue the same chain', async () => {
      for (let i = 1; i <= 3; i++) await committed(t.store, { audit: input(i) });
      const store = await t.harness.reopen();
      expect((await committed(store, { audit: input(4) })).seq).toBe(4);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, entries: 4 });
    });

    describe('a refused change writes nothing, its entry included, and uses no seq', () => {
      const shop = provider({ tilbudId: 'refusals-1' });
      const refusals: [string, (existing: { evaluationId: string; approvalId: string; documentId: string }) => ContractChange][] = [
        ['a duplicate evaluation id', (x) => ({ audit: audit('dup-evaluation'), evaluation: evaluation({ id: x.evaluationId }) })],
        ['a duplicate approval id', (x) => ({ audit: audit('dup-approval'), approval: { insert: approval({ id: x.approvalId }) } })],
        ['a stale version', (x) => ({ audit: audit('stale'), approval: { update: approval({ id: x.approvalId, provider: shop, status: 'revoked' }), expectedVersion: 7 } })],
        ['a second approval in force', () => ({ audit: audit('second'), approval: { insert: approval({ provider: shop }) } })],
        ['a duplicate document id', (x) => ({ audit: audit('dup-document'), documents: [{ collection: 'rechecks', doc: { id: x.documentId } }] })],
      ];

      it.each(refusals)('%s: the change is refused, none of its parts is stored, and the next committed entry takes the next seq', async (_label, refused) => {
        const existing = approval({ provider: shop });
        const e = evaluation();
        await insertEvaluation(t.store, e);
        await insertApproval(t.store, existing);
        await committed(t.store, { audit: audit('document'), documents: [{ collection: 'rechecks', doc: { id: 'recheck-1' } }] });
        const before = await t.store.listAudit({ limit: 100 });
        // Every refused change also carries a new evaluation, approval and document: none of them may be written.
        const change = refused({ evaluationId: e.id, approvalId: existing.id, documentId: 'recheck-1' });
        const extraEvaluation = evaluation();
        const extraDocument = { id: `extra-${extraEvaluation.id}` };
        const extraApproval = approval();
        const full: ContractChange = {
          ...change,
          evaluation: change.evaluation ?? extraEvaluation,
          approval: change.approval ?? { insert: extraApproval },
          documents: [{ collection: 'capacityChanges', doc: extraDocument }, ...(change.documents ?? [])],
        };
        const outcome = await t.store.commit(full);
        expect(outcome.committed).toBe(false);
        expect(await t.store.listAudit({ limit: 100 })).toEqual(before);
        if (!change.evaluation) expect(await t.store.getEvaluation(extraEvaluation.id)).toBeNull();
        if (!change.approval) expect(await t.store.getApproval(extraApproval.id)).toBeNull();
        expect(await t.store.getDocument('capacityChanges', extraDocument.id)).toBeNull();
        expect(await t.store.getApproval(existing.id)).toEqual(existing);
        expect(await t.store.getEvaluation(e.id)).toEqual(e);
        const next = await committed(t.store, { audit: audit('next') });
        expect(next).toMatchObject({ seq: before.length + 1, prevHash: before[before.length - 1].hash });
        expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: before.length + 1 });
      });
    });

    describe('commitMany', () => {
      it('commits a batch with one refused change in the middle: the others are committed, each with its entry, in order', async () => {
        const existing = approval();
        await insertApproval(t.store, existing);
        const [first, third] = [approval(), approval()];
        const outcomes = await t.store.commitMany([
          { audit: audit('first', first.id), approval: { insert: first } },
          { audit: audit('refused', existing.id), approval: { insert: { ...existing, reason: 'again' } } },
          { audit: audit('third', third.id), approval: { insert: third } },
        ]);
        expect(outcomes.map((o) => o.committed)).toEqual([true, false, true]);
        expect(outcomes[1]).toEqual({ committed: false, reason: 'duplicate-id', collection: 'approvals', id: existing.id });
        const entries = outcomes.flatMap((o) => (o.committed ? [o.entry] : []));
        expect(entries.map((e) => [e.seq, e.entityId])).toEqual([
          [2, first.id],
          [3, third.id],
        ]);
        expect((await t.store.listAudit({ limit: 10, afterSeq: 1 }))).toEqual(entries);
        expect(await t.store.getApproval(first.id)).toEqual(first);
        expect(await t.store.getApproval(third.id)).toEqual(third);
        expect(await t.store.getApproval(existing.id)).toEqual(existing);
        expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 3 });
      });

      it('each change in a batch sees the ones before it: an insert and two updates of one approval all commit', async () => {
        const a = approval();
        const outcomes = await t.store.commitMany([
          { audit: audit(1, a.id), approval: { insert: a } },
          { audit: audit(2, a.id), approval: { update: { ...a, status: 'at-risk' }, expectedVersion: 1 } },
          { audit: audit(3, a.id), approval: { update: { ...a, status: 'evidence-overdue' }, expectedVersion: 2 } },
          { audit: audit(4, a.id), approval: { update: { ...a, status: 'revoked' }, expectedVersion: 2 } },
        ]);
        expect(outcomes.map((o) => (o.committed ? o.entry.seq : o.reason))).toEqual([1, 2, 3, 'stale-version']);
        expect(await t.store.getApproval(a.id)).toMatchObject({ status: 'evidence-overdue', version: 3 });
      });

      it('an empty batch commits nothing', async () => {
        expect(await t.store.commitMany([])).toEqual([]);
        expect(await auditLength(t.store)).toBe(0);
      });

      it('batches and single commits made at once form one gapless chain', async () => {
        const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ audit: audit(`batch-${n}-${i}`) }));
        const results = await Promise.all([t.store.commitMany(batch(5)), t.store.commit({ audit: audit('single') }), t.store.commitMany(batch(3))]);
        const seqs = results.flat().map((o) => (o.committed ? o.entry.seq : 0));
        expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // Within a batch, in the order given.
        const firstBatch = (results[0] as { committed: true; entry: AuditEntry }[]).map((o) => o.entry.seq);
        expect(firstBatch).toEqual([...firstBatch].sort((a, b) => a - b));
        expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 9 });
      });
    });
  });
}
