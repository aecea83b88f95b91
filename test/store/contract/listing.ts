/** Listing approvals: filters, cursor paging in (createdAt, id) order, counting, iterating for batch jobs. */
import type { ApprovalFilter } from '../../../src/store/types';
import type { ApprovalRecord } from '../../../src/approvals/records';
import { InvalidCursorError } from '../../../src/store/errors';
import { approval, provider, type ContractStore } from '../support/fixtures';
import { collect, insertApproval, updateApproval, type ContractContext } from './support';

const byCreatedAtThenId = (a: ApprovalRecord, b: ApprovalRecord) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function matches(a: ApprovalRecord, f: ApprovalFilter): boolean {
  return (
    (f.speciale === undefined || a.speciale === f.speciale) &&
    (f.level === undefined || a.level === f.level) &&
    (f.status === undefined || a.status === f.status) &&
    (f.tilsyn === undefined || a.tilsyn === f.tilsyn) &&
    (f.tilbudId === undefined || a.provider.tilbudId === f.tilbudId) &&
    (f.cvr === undefined || a.provider.cvr === f.cvr) &&
    (f.expiringBefore === undefined || a.validUntil < f.expiringBefore)
  );
}

async function allPages(store: ContractStore, filter: ApprovalFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listApprovals(filter, { limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('paging does not terminate');
  } while (cursor);
  return { ids, pages };
}

/** 30 approvals spread over every filterable attribute, with createdAt ties (broken by id). */
function approvalFixture(): ApprovalRecord[] {
  const tilsyns = ['Nord', 'Midt', 'Syd', 'Hovedstaden', 'Øst'] as const;
  const statuses = ['active', 'at-risk', 'evidence-overdue', 'revoked', 'expired', 'rejected'] as const;
  const records: ApprovalRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const p = provider({ tilbudId: String(1000 + (i % 7)), cvr: String(10000000 + (i % 4)), tilsyn: tilsyns[i % 5] });
    records.push(
      approval({
        provider: p,
        tilsyn: p.tilsyn,
        speciale: i % 3 === 0 ? 'erhvervet-hjerneskade' : 'autisme',
        level: i % 2 === 0 ? 'specialfunktion' : 'raadgivningsfunktion',
        status: statuses[i % 6],
        validUntil: `20${27 + (i % 5)}-06-30`,
        // Every third pair shares a timestamp, so the id has to break ties.
        createdAt: `2026-03-01T10:00:${String(Math.floor(i / 2)).padStart(2, '0')}.000Z`,
      }),
    );
  }
  return records;
}

export function listingContract(t: ContractContext): void {
  describe('approvals: listing', () => {
    describe('thirty approvals over every filterable attribute', () => {
      let records: ApprovalRecord[];
      beforeEach(async () => {
        records = approvalFixture();
        // Insert out of order: the order of listing must not depend on insertion order.
        for (const r of [...records].reverse()) await insertApproval(t.store, r);
      });

      const filters: [string, ApprovalFilter][] = [
        ['no filter', {}],
        ['tilsyn', { tilsyn: 'Midt' }],
        ['status', { status: 'at-risk' }],
        ['expiringBefore', { expiringBefore: '2029-06-30' }],
        ['cvr', { cvr: '10000001' }],
        ['tilbudId', { tilbudId: '1003' }],
        ['speciale + level', { speciale: 'autisme', level: 'raadgivningsfunktion' }],
        ['tilsyn + status', { tilsyn: 'Nord', status: 'active' }],
        ['speciale + level + status', { speciale: 'erhvervet-hjerneskade', level: 'specialfunktion', status: 'active' }],
        ['a filter nothing matches', { tilbudId: '9999' }],
      ];

      it.each(filters)('paging with filter %s visits exactly the matching approvals, each once, in (createdAt, id) order', async (_label, filter) => {
        const expected = records.filter((r) => matches(r, filter)).sort(byCreatedAtThenId).map((r) => r.id);
        if (Object.keys(filter).length > 0 && filter.tilbudId !== '9999') {
          // The fixture must make each filter meaningful: some but not all records match.
          expect(expected.length).toBeGreaterThan(0);
          expect(expected.length).toBeLessThan(records.length);
        }
        for (const limit of [1, 4, 7, 200]) {
          const { ids } = await allPages(t.store, filter, limit);
          expect(ids).toEqual(expected);
        }
        expect(await t.store.countApprovals(filter)).toBe(expected.length);
        expect((await collect(t.store.findApprovals(filter))).map((a) => a.id)).toEqual(expected);
      });

      it('listed approvals are the full records', async () => {
        const page = await t.store.listApprovals({ tilbudId: '1003' }, { limit: 50 });
        expect(page.items).toEqual(records.filter((r) => r.provider.tilbudId === '1003').sort(byCreatedAtThenId));
      });

      it('the last page has no nextCursor, also when it is exactly full', async () => {
        const all = await t.store.listApprovals({}, { limit: 30 });
        expect(all.items).toHaveLength(30);
        expect(all.nextCursor).toBeUndefined();
        const first = await t.store.listApprovals({}, { limit: 15 });
        expect(first.nextCursor).toBeDefined();
        const second = await t.store.listApprovals({}, { limit: 15, cursor: first.nextCursor });
        expect(second.items).toHaveLength(15);
        expect(second.nextCursor).toBeUndefined();
      });

      it('a cursor the store did not issue is refused as invalid input', async () => {
        await expect(t.store.listApprovals({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        const forged = Buffer.from(JSON.stringify({ createdAt: { $gt: '' } })).toString('base64url');
        await expect(t.store.listApprovals({}, { limit: 5, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('an approval inserted behind the cursor does not disturb the pages still to come', async () => {
        const first = await t.store.listApprovals({}, { limit: 10 });
        await insertApproval(t.store, approval({ createdAt: '2026-01-01T00:00:00.000Z' }));
        const rest = await allPages(t.store, {}, 10);
        const afterCursor = await t.store.listApprovals({}, { limit: 100, cursor: first.nextCursor });
        expect(afterCursor.items.map((a) => a.id)).toEqual(rest.ids.slice(11));
      });
    });

    it('findApprovals visits each approval exactly once while a batch job changes their status', async () => {
      const n = 230; // more than one internal page
      const inserted: string[] = [];
      for (let i = 0; i < n; i++) {
        const a = approval({ createdAt: `2026-03-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z` });
        await insertApproval(t.store, a);
        inserted.push(a.id);
      }
      const seen: string[] = [];
      for await (const a of t.store.findApprovals({ status: 'active' })) {
        seen.push(a.id);
        expect(await updateApproval(t.store, { ...a, status: 'at-risk' }, a.version)).toMatchObject({ committed: true });
      }
      expect(seen).toEqual(inserted);
      expect(await t.store.countApprovals({ status: 'active' })).toBe(0);
    });
  });
}
