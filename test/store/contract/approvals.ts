/** Approvals: insert, compare-and-set update, and at most one in force per provider, speciale and level. */
import type { ApprovalRecord } from '../../../src/approvals/records';
import { approval, provider } from '../support/fixtures';
import { audit, auditLength, insertApproval, updateApproval, type ContractContext } from './support';

export function approvalContract(t: ContractContext): void {
  describe('approvals', () => {
    it('a committed approval reads back equal, and an unknown id reads as null', async () => {
      const a = approval({
        history: [{ at: '2026-03-01T10:00:00.000Z', by: 'x', type: 'decision', toStatus: 'active', details: { 'with.dot': 1, $op: 'kept as data' } }],
      });
      await insertApproval(t.store, a);
      expect(await t.store.getApproval(a.id)).toEqual(a);
      expect(await t.store.getApproval('no-such-id')).toBeNull();
    });

    it('returned approvals are copies: changing one does not change the store', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const read = (await t.store.getApproval(a.id)) as ApprovalRecord;
      read.status = 'revoked';
      read.history.push({ at: 'x', by: 'y', type: 'evidence' });
      a.reason = 'changed after insert';
      expect(await t.store.getApproval(a.id)).toEqual({ ...a, reason: 'Opfylder kriterierne' });
    });

    it('properties set to undefined are left out, as in JSON', async () => {
      const a = approval({ nextDueDate: undefined });
      await insertApproval(t.store, a);
      const read = (await t.store.getApproval(a.id)) as ApprovalRecord;
      expect(Object.prototype.hasOwnProperty.call(read, 'nextDueDate')).toBe(false);
    });

    it('an approval with an existing id is refused as a duplicate and the original is kept', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const outcome = await t.store.commit({ audit: audit('again'), approval: { insert: { ...a, status: 'revoked' } } });
      expect(outcome).toEqual({ committed: false, reason: 'duplicate-id', collection: 'approvals', id: a.id });
      expect(await t.store.getApproval(a.id)).toEqual(a);
    });

    it('an update with the current version stores the new state with version + 1', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const next: ApprovalRecord = {
        ...a,
        status: 'revoked',
        history: [...a.history, { at: '2026-04-01T09:00:00.000Z', by: 'inspektoer@midt', type: 'revocation', reason: 'Ikke opfyldt', fromStatus: 'active', toStatus: 'revoked' }],
        updatedAt: '2026-04-01T09:00:00.000Z',
      };
      expect(await updateApproval(t.store, next, 1)).toMatchObject({ committed: true });
      expect(await t.store.getApproval(a.id)).toEqual({ ...next, version: 2 });
      // The version in the record is not trusted: the store sets expectedVersion + 1.
      expect(await updateApproval(t.store, { ...next, version: 99, reason: 'again' }, 2)).toMatchObject({ committed: true });
      expect((await t.store.getApproval(a.id))?.version).toBe(3);
    });

    it('a stale version is refused, nothing changes and no entry is written', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      expect(await updateApproval(t.store, { ...a, status: 'at-risk' }, 1)).toMatchObject({ committed: true });
      const before = await t.store.getApproval(a.id);
      for (const expectedVersion of [1, 5]) {
        expect(await updateApproval(t.store, { ...a, status: 'revoked' }, expectedVersion)).toEqual({ committed: false, reason: 'stale-version', approvalId: a.id });
      }
      expect(await t.store.getApproval(a.id)).toEqual(before);
      expect(await auditLength(t.store)).toBe(2);
    });

    it('updating an approval that does not exist is refused as stale and creates nothing', async () => {
      const a = approval();
      expect(await updateApproval(t.store, a, 1)).toEqual({ committed: false, reason: 'stale-version', approvalId: a.id });
      expect(await t.store.getApproval(a.id)).toBeNull();
    });

    it('of two concurrent updates with the same expected version exactly one wins', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const outcomes = await Promise.all([
        updateApproval(t.store, { ...a, status: 'revoked', reason: 'first' }, 1),
        updateApproval(t.store, { ...a, status: 'at-risk', reason: 'second' }, 1),
      ]);
      expect(outcomes.filter((o) => o.committed)).toHaveLength(1);
      const stored = (await t.store.getApproval(a.id)) as ApprovalRecord;
      expect(stored.version).toBe(2);
      expect(stored.reason).toBe(outcomes[0].committed ? 'first' : 'second');
      expect(stored.status).toBe(outcomes[0].committed ? 'revoked' : 'at-risk');
    });

    it('of ten concurrent updates with the same expected version exactly one wins', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => updateApproval(t.store, { ...a, reason: `writer ${i}` }, 1)));
      expect(outcomes.filter((o) => o.committed)).toHaveLength(1);
      const winner = outcomes.findIndex((o) => o.committed);
      expect(await t.store.getApproval(a.id)).toEqual({ ...a, reason: `writer ${winner}`, version: 2 });
      expect(await auditLength(t.store)).toBe(2);
    });

    it('the store keeps no copy of an approval: a change made in the storage by another writer is what the next read and compare-and-set see', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      await t.store.getApproval(a.id);
      const store = await t.harness.tamperApproval(a.id, { reason: 'changed by another process', version: 2 });
      expect(await store.getApproval(a.id)).toEqual({ ...a, reason: 'changed by another process', version: 2 });
      expect(await updateApproval(store, { ...a, status: 'at-risk' }, 1)).toMatchObject({ committed: false, reason: 'stale-version' });
      expect(await updateApproval(store, { ...a, status: 'at-risk' }, 2)).toMatchObject({ committed: true });
      expect(await store.getApproval(a.id)).toMatchObject({ status: 'at-risk', version: 3 });
    });

    describe('one approval in force per provider, speciale and level', () => {
      const shop = provider({ tilbudId: 'in-force-1' });
      const inForce = (overrides: Partial<ApprovalRecord> = {}) => approval({ provider: shop, ...overrides });

      it('a second approval in force for the same provider, speciale and level is refused, names the first, and stores nothing', async () => {
        const first = inForce();
        await insertApproval(t.store, first);
        for (const status of ['active', 'at-risk', 'evidence-overdue'] as const) {
          const second = inForce({ status });
          expect(await t.store.commit({ audit: audit(status), approval: { insert: second } })).toEqual({
            committed: false,
            reason: 'approval-in-force',
            approvalId: second.id,
            inForceId: first.id,
          });
          expect(await t.store.getApproval(second.id)).toBeNull();
        }
        expect(await t.store.countApprovals({ tilbudId: shop.tilbudId })).toBe(1);
        expect(await auditLength(t.store)).toBe(1);
      });

      it('approvals not in force, and approvals for another level, speciale or provider, are stored beside it', async () => {
        await insertApproval(t.store, inForce());
        for (const status of ['rejected', 'revoked', 'expired'] as const) await insertApproval(t.store, inForce({ status, decision: status === 'rejected' ? 'rejected' : 'approved' }));
        await insertApproval(t.store, inForce({ level: 'raadgivningsfunktion' }));
        await insertApproval(t.store, inForce({ speciale: 'erhvervet-hjerneskade' }));
        await insertApproval(t.store, approval({ provider: provider({ tilbudId: 'in-force-2' }) }));
        expect(await t.store.countApprovals({ tilbudId: shop.tilbudId })).toBe(6);
      });

      it('once the approval in force is revoked a new one can be stored, and an update back into force is refused while that one is', async () => {
        const first = inForce();
        await insertApproval(t.store, first);
        expect(await updateApproval(t.store, { ...first, status: 'revoked' }, 1)).toMatchObject({ committed: true });
        const second = inForce();
        await insertApproval(t.store, second);
        expect(await updateApproval(t.store, { ...first, status: 'active' }, 2)).toEqual({ committed: false, reason: 'approval-in-force', approvalId: first.id, inForceId: second.id });
        expect(await t.store.getApproval(first.id)).toMatchObject({ status: 'revoked', version: 2 });
        // Changes between statuses in force are not affected.
        expect(await updateApproval(t.store, { ...second, status: 'at-risk' }, 1)).toMatchObject({ committed: true });
      });

      it('being in force follows the stored status: an approval revoked by another writer no longer blocks a new one', async () => {
        const first = inForce();
        await insertApproval(t.store, first);
        const store = await t.harness.tamperApproval(first.id, { status: 'revoked' });
        const second = inForce();
        expect(await store.commit({ audit: audit('second'), approval: { insert: second } })).toMatchObject({ committed: true });
      });

      it('of concurrent inserts of approvals in force for one provider exactly one is stored, also after reopening', async () => {
        const candidates = Array.from({ length: 5 }, () => inForce());
        const outcomes = await Promise.all(candidates.map((a, i) => t.store.commit({ audit: audit(i), approval: { insert: a } })));
        expect(outcomes.filter((o) => o.committed)).toHaveLength(1);
        for (const o of outcomes) if (!o.committed) expect(o).toMatchObject({ reason: 'approval-in-force' });
        const store = await t.harness.reopen();
        expect(await store.countApprovals({ tilbudId: shop.tilbudId })).toBe(1);
        expect(await store.commit({ audit: audit('late'), approval: { insert: inForce() } })).toMatchObject({ committed: false, reason: 'approval-in-force' });
      });
    });
  });
}
