/** Listing evaluations: filters (provider, speciale, tilsyn, days created), cursor paging in (createdAt, id) order, without evidence. */
import type { EvaluationFilter } from '../../../src/store/types';
import { InvalidCursorError } from '../../../src/store/errors';
import { evaluation, provider, type ContractStore, type EvaluationRecord } from '../support/fixtures';
import { insertEvaluation, type ContractContext } from './support';

const byCreatedAtThenId = (a: EvaluationRecord, b: EvaluationRecord) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** What a listing gives of an evaluation: the record without its evidence. */
export function listed(e: EvaluationRecord): Omit<EvaluationRecord, 'evidence'> {
  const { evidence: _evidence, ...rest } = e;
  return rest;
}

function matches(e: EvaluationRecord, f: EvaluationFilter): boolean {
  const day = e.createdAt.slice(0, 10);
  return (
    (f.tilbudId === undefined || e.provider.tilbudId === f.tilbudId) &&
    (f.speciale === undefined || e.speciale === f.speciale) &&
    (f.tilsyn === undefined || e.provider.tilsyn === f.tilsyn) &&
    (f.from === undefined || day >= f.from) &&
    (f.to === undefined || day <= f.to)
  );
}

export async function allEvaluationPages(store: ContractStore, filter: EvaluationFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listEvaluations(filter, { limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('paging does not terminate');
  } while (cursor);
  return ids;
}

/**
 * 30 evaluations over five providers, three specialer, every tilsyn and four days; pairs share a createdAt
 * (so the id breaks ties), and some are made at the very first and last millisecond of a day.
 */
function evaluationFixture(): EvaluationRecord[] {
  const tilsyns = ['Nord', 'Midt', 'Syd', 'Hovedstaden', 'Øst'] as const;
  const specialer = ['autisme', 'erhvervet-hjerneskade', 'synsnedsaettelse'] as const;
  const times = ['00:00:00.000', '10:00:00.000', '10:00:00.000', '23:59:59.999'];
  const records: EvaluationRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const day = `2026-03-0${1 + (Math.floor(i / 4) % 4)}`;
    records.push(
      evaluation({
        provider: provider({ tilbudId: String(2000 + (i % 5)), tilsyn: tilsyns[(i * 3) % 5] }),
        speciale: specialer[i % 3],
        approvalId: i % 4 === 0 ? `ap-${i}` : undefined,
        createdAt: `${day}T${times[i % 4]}Z`,
        evidence: { reportingDate: '2026-02-01', staff: [{ ref: `S${i}` }] },
      }),
    );
  }
  return records;
}

export function evaluationListingContract(t: ContractContext): void {
  describe('evaluations: listing', () => {
    let records: EvaluationRecord[];
    beforeEach(async () => {
      records = evaluationFixture();
      // Inserted out of order: the listing's order must not depend on insertion order.
      for (const e of [...records].reverse()) await insertEvaluation(t.store, e);
    });

    const filters: [string, EvaluationFilter][] = [
      ['no filter', {}],
      ['tilbudId', { tilbudId: '2003' }],
      ['speciale', { speciale: 'erhvervet-hjerneskade' }],
      ['tilsyn', { tilsyn: 'Øst' }],
      ['from (a day, from its first millisecond)', { from: '2026-03-02' }],
      ['to (a day, to its last millisecond)', { to: '2026-03-02' }],
      ['from + to on one day', { from: '2026-03-03', to: '2026-03-03' }],
      ['tilbudId + speciale', { tilbudId: '2001', speciale: 'autisme' }],
      ['tilsyn + speciale + from + to', { tilsyn: 'Midt', speciale: 'autisme', from: '2026-03-01', to: '2026-03-03' }],
      ['a filter nothing matches', { tilbudId: '9999' }],
      ['from after to', { from: '2026-03-04', to: '2026-03-01' }],
    ];

    it.each(filters)('paging with filter %s visits exactly the matching evaluations, each once, in (createdAt, id) order', async (label, filter) => {
      const expected = records.filter((e) => matches(e, filter)).sort(byCreatedAtThenId).map((e) => e.id);
      if (Object.keys(filter).length > 0 && !label.includes('nothing') && !label.includes('after')) {
        // The fixture must make each filter meaningful: some but not all evaluations match.
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(records.length);
      }
      for (const limit of [1, 4, 7, 200]) expect(await allEvaluationPages(t.store, filter, limit)).toEqual(expected);
    });

    it('listed evaluations are the records without their evidence, which reads back alone as before', async () => {
      const page = await t.store.listEvaluations({ tilbudId: '2002' }, { limit: 50 });
      const expected = records.filter((e) => e.provider.tilbudId === '2002').sort(byCreatedAtThenId);
      expect(page.items).toEqual(expected.map(listed));
      for (const item of page.items) expect(Object.prototype.hasOwnProperty.call(item, 'evidence')).toBe(false);
      expect(await t.store.getEvaluationEvidence(expected[0].id)).toEqual({ evaluationId: expected[0].id, evidence: expected[0].evidence, evidenceHash: expected[0].evidenceHash });
    });

    it('the last page has no nextCursor, also when it is exactly full', async () => {
      const all = await t.store.listEvaluations({}, { limit: 30 });
      expect(all.items).toHaveLength(30);
      expect(all.nextCursor).toBeUndefined();
      const first = await t.store.listEvaluations({}, { limit: 15 });
      const second = await t.store.listEvaluations({}, { limit: 15, cursor: first.nextCursor });
      expect(second.items).toHaveLength(15);
      expect(second.nextCursor).toBeUndefined();
    });

    it('an evaluation stored behind the cursor does not disturb the pages still to come; one stored ahead is listed', async () => {
      const first = await t.store.listEvaluations({}, { limit: 10 });
      const behind = evaluation({ createdAt: '2026-02-01T00:00:00.000Z' });
      const ahead = evaluation({ createdAt: '2026-04-01T00:00:00.000Z' });
      await insertEvaluation(t.store, behind);
      await insertEvaluation(t.store, ahead);
      const rest = await allEvaluationPages(t.store, {}, 100);
      const afterCursor = await t.store.listEvaluations({}, { limit: 100, cursor: first.nextCursor });
      expect(afterCursor.items.map((e) => e.id)).toEqual(rest.slice(11));
      expect(afterCursor.items.at(-1)?.id).toBe(ahead.id);
    });

    it('a cursor the store did not issue is refused as invalid input', async () => {
      await expect(t.store.listEvaluations({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      const forged = Buffer.from(JSON.stringify({ createdAt: { $gt: '' } })).toString('base64url');
      await expect(t.store.listEvaluations({}, { limit: 5, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('filter values that are not strings, and days that are not dates, are refused rather than interpreted', async () => {
      await expect(t.store.listEvaluations({ tilsyn: { $ne: '' } } as unknown as EvaluationFilter, { limit: 5 })).rejects.toBeInstanceOf(TypeError);
      for (const from of ['2026-3-1', '2026-03-01T00:00:00Z', 'yesterday', '2026-13-45']) {
        await expect(t.store.listEvaluations({ from }, { limit: 5 })).rejects.toBeInstanceOf(TypeError);
        await expect(t.store.listEvaluations({ to: from }, { limit: 5 })).rejects.toBeInstanceOf(TypeError);
      }
      await expect(t.store.listEvaluations({}, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
    });
  });
}
