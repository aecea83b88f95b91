/**
 * The provider register: registered with a change (an evaluation's), refused when already registered,
 * moved by compare-and-set; a provider's evaluations are listed under its tilsyn in the register.
 * And commitAll: changes that stand or fall together.
 */
import type { ProviderRecord } from '../../../src/approvals/records';
import { InvalidCursorError } from '../../../src/store/errors';
import type { ProviderFilter } from '../../../src/store/types';
import { approval, evaluation, provider, registered, type ContractStore } from '../support/fixtures';
import { allEvaluationPages } from './evaluationListing';
import { audit, auditLength, committed, insertApproval, insertEvaluation, type ContractContext } from './support';

const byCreatedAtThenTilbudId = (a: ProviderRecord, b: ProviderRecord) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.tilbudId < b.tilbudId ? -1 : a.tilbudId > b.tilbudId ? 1 : 0;

async function allProviderPages(store: ContractStore, filter: ProviderFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 1000) throw new Error('paging does not terminate');
    const page = await store.listProviders(filter, { limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((p) => p.tilbudId));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
}

function register(store: ContractStore, p: ProviderRecord) {
  return committed(store, { audit: audit(`register ${p.tilbudId}`, p.tilbudId), provider: { insert: p } });
}

export function providerContract(t: ContractContext): void {
  describe('providers', () => {
    it('a registered provider reads back equal, and an unknown tilbudId reads as null', async () => {
      const p = registered({ moves: [{ at: 'x', by: 'y', trigger: 'admin', reason: 'r', from: { kommunekode: '751', region: 'Midtjylland', tilsyn: 'Midt' }, to: { kommunekode: '851', region: 'Nordjylland', tilsyn: 'Nord' }, approvalIds: [] }] });
      await register(t.store, p);
      expect(await t.store.getProvider(p.tilbudId)).toEqual(p);
      expect(await t.store.getProvider('no-such-provider')).toBeNull();
      expect(await (await t.harness.reopen()).getProvider(p.tilbudId)).toEqual(p);
    });

    it('registered with its first evaluation in one change: both are written with one entry, and the evaluation is listed under the register\'s tilsyn', async () => {
      const p = registered({ tilsyn: 'Øst', kommunekode: '316', region: 'Sjælland' });
      const e = evaluation({ provider: provider({ tilbudId: p.tilbudId, tilsyn: 'Øst' }) });
      const entry = await committed(t.store, { audit: audit('first evaluation', e.id), evaluation: e, provider: { insert: p } });
      expect(entry.seq).toBe(1);
      expect(await t.store.getProvider(p.tilbudId)).toEqual(p);
      expect(await t.store.getEvaluation(e.id)).toEqual(e);
      expect(await allEvaluationPages(t.store, { tilsyn: 'Øst' }, 10)).toEqual([e.id]);
    });

    it('a provider already registered is refused as a duplicate: nothing of the change is written, its evaluation included, and no entry', async () => {
      const p = registered();
      await register(t.store, p);
      const e = evaluation({ provider: provider({ tilbudId: p.tilbudId }) });
      const outcome = await t.store.commit({ audit: audit('second registration'), evaluation: e, provider: { insert: { ...p, name: 'Another name' } } });
      expect(outcome).toEqual({ committed: false, reason: 'duplicate-id', collection: 'providers', id: p.tilbudId });
      expect(await t.store.getProvider(p.tilbudId)).toEqual(p);
      expect(await t.store.getEvaluation(e.id)).toBeNull();
      expect(await auditLength(t.store)).toBe(1);
    });

    it('an update at the current version stores it with version + 1; a stale or unregistered one is refused as stale-provider and writes nothing', async () => {
      const p = registered();
      await register(t.store, p);
      const moved: ProviderRecord = { ...p, kommunekode: '851', region: 'Nordjylland', tilsyn: 'Nord', updatedAt: '2026-04-01T10:00:00.000Z', version: 99 };
      await committed(t.store, { audit: audit('move'), provider: { update: moved, expectedVersion: 1 } });
      expect(await t.store.getProvider(p.tilbudId)).toEqual({ ...moved, version: 2 });
      const stale = await t.store.commit({ audit: audit('stale'), provider: { update: { ...moved, name: 'Stale' }, expectedVersion: 1 } });
      expect(stale).toEqual({ committed: false, reason: 'stale-provider', tilbudId: p.tilbudId });
      const unknown = registered();
      expect(await t.store.commit({ audit: audit('unknown'), provider: { update: unknown, expectedVersion: 1 } })).toEqual({ committed: false, reason: 'stale-provider', tilbudId: unknown.tilbudId });
      expect(await t.store.getProvider(unknown.tilbudId)).toBeNull();
      expect((await t.store.getProvider(p.tilbudId))?.name).toBe(p.name);
      expect(await auditLength(t.store)).toBe(2);
    });

    it('a provider moved to another tilsyn takes every evaluation with it in the listing, before and after the move, without rewriting them', async () => {
      const p = registered({ tilsyn: 'Øst', kommunekode: '316', region: 'Sjælland' });
      const first = evaluation({ provider: provider({ tilbudId: p.tilbudId, tilsyn: 'Øst' }), createdAt: '2026-03-01T10:00:00.000Z' });
      await committed(t.store, { audit: audit('first'), evaluation: first, provider: { insert: p } });
      const other = evaluation({ provider: provider({ tilsyn: 'Øst' }), createdAt: '2026-03-02T10:00:00.000Z' });
      await insertEvaluation(t.store, other);
      await committed(t.store, { audit: audit('move'), provider: { update: { ...p, tilsyn: 'Midt', kommunekode: '751', region: 'Midtjylland' }, expectedVersion: 1 } });
      // Evidence stored later that still names the old municipality is listed under the register's tilsyn too.
      const later = evaluation({ provider: provider({ tilbudId: p.tilbudId, tilsyn: 'Øst' }), createdAt: '2026-03-03T10:00:00.000Z' });
      await insertEvaluation(t.store, later);
      for (const reopened of [false, true]) {
        const s = reopened ? await t.harness.reopen() : t.store;
        expect(await allEvaluationPages(s, { tilsyn: 'Midt' }, 1)).toEqual([first.id, later.id]);
        expect(await allEvaluationPages(s, { tilsyn: 'Øst' }, 1)).toEqual([other.id]);
        expect(await s.getEvaluation(first.id)).toEqual(first);
        expect(await s.getEvaluation(later.id)).toEqual(later);
      }
    });

    it('evaluations stored before their provider was registered are listed under the register\'s tilsyn from the registration on', async () => {
      const tilbudId = 'T-legacy';
      const old = evaluation({ provider: provider({ tilbudId, tilsyn: 'Nord' }) });
      await insertEvaluation(t.store, old);
      expect(await allEvaluationPages(t.store, { tilsyn: 'Nord' }, 10)).toEqual([old.id]);
      await register(t.store, registered({ tilbudId, tilsyn: 'Øst', kommunekode: '316', region: 'Sjælland' }));
      expect(await allEvaluationPages(t.store, { tilsyn: 'Nord' }, 10)).toEqual([]);
      expect(await allEvaluationPages(t.store, { tilsyn: 'Øst' }, 10)).toEqual([old.id]);
    });

    describe('listing', () => {
      let providers: ProviderRecord[];
      beforeEach(async () => {
        const places = [
          { kommunekode: '751', region: 'Midtjylland', tilsyn: 'Midt' },
          { kommunekode: '851', region: 'Nordjylland', tilsyn: 'Nord' },
          { kommunekode: '316', region: 'Sjælland', tilsyn: 'Øst' },
          { kommunekode: '329', region: 'Sjælland', tilsyn: 'Øst' },
        ] as const;
        providers = Array.from({ length: 13 }, (_, i) =>
          registered({ tilbudId: String(5000 + ((i * 7) % 13)), ...places[i % 4], createdAt: `2026-03-01T10:00:0${Math.floor(i / 3)}.000Z` }),
        );
        for (const p of [...providers].reverse()) await register(t.store, p);
      });

      it.each<[string, ProviderFilter]>([
        ['no filter', {}],
        ['tilsyn', { tilsyn: 'Øst' }],
        ['kommunekode', { kommunekode: '316' }],
        ['tilsyn + kommunekode', { tilsyn: 'Øst', kommunekode: '329' }],
        ['nothing matches', { tilsyn: 'Syd' }],
      ])('paging with filter %s visits exactly the matching providers, each once, in (createdAt, tilbudId) order', async (_label, filter) => {
        const expected = providers
          .filter((p) => (filter.tilsyn === undefined || p.tilsyn === filter.tilsyn) && (filter.kommunekode === undefined || p.kommunekode === filter.kommunekode))
          .sort(byCreatedAtThenTilbudId)
          .map((p) => p.tilbudId);
        for (const limit of [1, 2, 5, 100]) expect(await allProviderPages(t.store, filter, limit)).toEqual(expected);
      });

      it('listed providers are the full records; a cursor the store did not issue is refused', async () => {
        const page = await t.store.listProviders({ kommunekode: '851' }, { limit: 50 });
        expect(page.items).toEqual(providers.filter((p) => p.kommunekode === '851').sort(byCreatedAtThenTilbudId));
        await expect(t.store.listProviders({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(t.store.listProviders({ tilsyn: { $ne: '' } } as unknown as ProviderFilter, { limit: 5 })).rejects.toBeInstanceOf(TypeError);
      });
    });
  });

  describe('commitAll: changes that stand or fall together', () => {
    it('commits every change with its own entry, in order, each seeing the ones before it', async () => {
      const p = registered();
      const a = approval({ provider: provider({ tilbudId: p.tilbudId }) });
      await insertApproval(t.store, a);
      const outcome = await t.store.commitAll([
        { audit: audit('move provider', p.tilbudId), provider: { insert: p } },
        { audit: audit('move approval', a.id), approval: { update: { ...a, tilsyn: 'Nord' }, expectedVersion: 1 } },
        { audit: audit('and again', a.id), approval: { update: { ...a, tilsyn: 'Øst' }, expectedVersion: 2 } },
      ]);
      expect(outcome.committed).toBe(true);
      if (!outcome.committed) return;
      expect(outcome.entries.map((e) => [e.seq, e.summary.i])).toEqual([
        [2, 'move provider'],
        [3, 'move approval'],
        [4, 'and again'],
      ]);
      expect(await t.store.getApproval(a.id)).toEqual({ ...a, tilsyn: 'Øst', version: 3 });
      expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 4 });
    });

    it('when one change is refused, none is written and no entry is made; it names the change and why', async () => {
      const p = registered();
      await register(t.store, p);
      const a = approval({ provider: provider({ tilbudId: p.tilbudId }) });
      const b = approval({ provider: provider({ tilbudId: p.tilbudId, name: 'b' }), speciale: 'erhvervet-hjerneskade' });
      await insertApproval(t.store, a);
      await insertApproval(t.store, b);
      const before = await t.store.listAudit({ limit: 100 });
      const outcome = await t.store.commitAll([
        { audit: audit('move provider', p.tilbudId), provider: { update: { ...p, tilsyn: 'Nord' }, expectedVersion: 1 } },
        { audit: audit('move a', a.id), approval: { update: { ...a, tilsyn: 'Nord' }, expectedVersion: 1 } },
        { audit: audit('move b', b.id), approval: { update: { ...b, tilsyn: 'Nord' }, expectedVersion: 7 } },
      ]);
      expect(outcome).toEqual({ committed: false, index: 2, reason: 'stale-version', approvalId: b.id });
      expect(await t.store.getProvider(p.tilbudId)).toEqual(p);
      expect(await t.store.getApproval(a.id)).toEqual(a);
      expect(await t.store.listAudit({ limit: 100 })).toEqual(before);
      const stale = await t.store.commitAll([{ audit: audit('stale provider'), provider: { update: p, expectedVersion: 5 } }]);
      expect(stale).toEqual({ committed: false, index: 0, reason: 'stale-provider', tilbudId: p.tilbudId });
    });

    it('a refused group leaves the commits that arrive beside it, and the chain links', async () => {
      const a = approval();
      await insertApproval(t.store, a);
      const lone = approval();
      const [group, single] = await Promise.all([
        t.store.commitAll([
          { audit: audit('ok'), evaluation: evaluation() },
          { audit: audit('stale'), approval: { update: a, expectedVersion: 9 } },
        ]),
        t.store.commit({ audit: audit('lone'), approval: { insert: lone } }),
      ]);
      expect(group).toMatchObject({ committed: false, index: 1, reason: 'stale-version' });
      expect(single).toMatchObject({ committed: true });
      expect(await t.store.getApproval(lone.id)).toEqual(lone);
      expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true, entries: 2 });
      expect(await t.store.commitAll([])).toEqual({ committed: true, entries: [] });
    });
  });
}
