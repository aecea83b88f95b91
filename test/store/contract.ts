/**
 * The behaviour every Store implementation must have, run against each of them
 * (embedded.test.ts, mongo.test.ts). Each test gets a fresh, empty store.
 */
import { GENESIS_HASH, auditEntryHash } from '../../src/store/auditHash';
import { ApprovalInForceError, DuplicateIdError, InvalidCursorError } from '../../src/store/errors';
import type { ApprovalFilter, ApprovalRecord, AuditEntry, Store } from '../../src/store/types';
import { approval, evaluation, provider } from './support/fixtures';

export interface StoreHarness {
  store: Store;
  /** Close the store and open a new instance on the same data. */
  reopen(): Promise<Store>;
  /**
   * Backdoor: change fields of the stored audit entry `seq` directly in the underlying storage, the way
   * someone with file or database access could. Returns the store to use afterwards.
   */
  tamperAudit(seq: number, change: Partial<AuditEntry>): Promise<Store>;
  /** Close and delete everything. */
  destroy(): Promise<void>;
}

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

async function allPages(store: Store, filter: ApprovalFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
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

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
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

export function storeContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.destroy();
    });

    describe('evaluations', () => {
      it('an inserted evaluation reads back equal, and an unknown id reads as null', async () => {
        const e = evaluation({ approvalId: 'a-1', trigger: 'recheck' });
        await store.insertEvaluation(e);
        expect(await store.getEvaluation(e.id)).toEqual(e);
        expect(await store.getEvaluation('no-such-id')).toBeNull();
      });

      it('free-form evidence and results come back exactly, whatever their keys look like', async () => {
        const odd = { 'dotted.key': 1, $dollar: { nested: [1, 'to', null, { 'ø.æ': true }] }, empty: {}, list: [], deep: { a: { b: { c: 'Øst' } } } };
        const e = evaluation({ evidence: odd, result: { ...odd, overall: 'eligible' } });
        await store.insertEvaluation(e);
        expect(await store.getEvaluation(e.id)).toEqual(e);
      });

      it('evidence read back is read-only, down to its nested values, so it is always what was stored', async () => {
        const e = evaluation({ approvalId: 'a-frozen', evidence: { provider: { name: 'Lærkehøj' }, staff: [{ ref: 'M-1' }] } });
        await store.insertEvaluation(e);
        for (const read of [await store.getEvaluation(e.id), await store.latestEvaluationForApproval('a-frozen')]) {
          const evidence = read!.evidence as { provider: { name: string }; staff: { ref: string }[] };
          expect(() => {
            evidence.provider.name = 'changed';
          }).toThrow(TypeError);
          expect(() => evidence.staff.push({ ref: 'M-2' })).toThrow(TypeError);
          expect(evidence).toEqual(e.evidence);
        }
      });

      it('inserting an evaluation with an existing id is refused and the original is kept', async () => {
        const e = evaluation();
        await store.insertEvaluation(e);
        await expect(store.insertEvaluation({ ...e, overall: 'not-eligible' })).rejects.toBeInstanceOf(DuplicateIdError);
        expect(await store.getEvaluation(e.id)).toEqual(e);
      });

      it('latestEvaluationForApproval gives the most recent evaluation linked to the approval', async () => {
        const older = evaluation({ approvalId: 'ap-1', createdAt: '2026-04-01T08:00:00.000Z' });
        const newest = evaluation({ approvalId: 'ap-1', createdAt: '2026-05-01T08:00:00.000Z' });
        const otherApproval = evaluation({ approvalId: 'ap-2', createdAt: '2026-06-01T08:00:00.000Z' });
        const unlinked = evaluation({ createdAt: '2026-07-01T08:00:00.000Z' });
        for (const e of [newest, older, otherApproval, unlinked]) await store.insertEvaluation(e);
        expect(await store.latestEvaluationForApproval('ap-1')).toEqual(newest);
        expect(await store.latestEvaluationForApproval('ap-3')).toBeNull();
      });

      it('the evidence of an evaluation reads back alone, read-only, and survives a reopen', async () => {
        const older = evaluation({ approvalId: 'ap-1', createdAt: '2026-04-01T08:00:00.000Z', evidence: { reportingDate: '2026-03-01', staff: [{ ref: 'M-1' }] } });
        const newest = evaluation({ approvalId: 'ap-1', createdAt: '2026-05-01T08:00:00.000Z', evidence: { reportingDate: '2026-04-01', staff: [{ ref: 'M-2' }] } });
        for (const e of [newest, older]) await store.insertEvaluation(e);
        for (const reopened of [false, true]) {
          const s = reopened ? (store = await harness.reopen()) : store;
          expect(await s.getEvaluationEvidence(older.id)).toEqual({ evaluationId: older.id, evidence: older.evidence });
          const read = await s.getEvaluationEvidence(newest.id);
          expect(read).toEqual({ evaluationId: newest.id, evidence: newest.evidence });
          expect(Object.isFrozen((read!.evidence as { staff: object[] }).staff[0])).toBe(true);
          expect(await s.getEvaluationEvidence('no-such-id')).toBeNull();
        }
      });
    });

    describe('approvals', () => {
      it('an inserted approval reads back equal, and an unknown id reads as null', async () => {
        const a = approval({
          history: [
            { at: '2026-03-01T10:00:00.000Z', by: 'x', type: 'decision', toStatus: 'active', details: { 'with.dot': 1, $op: 'kept as data' } },
          ],
        });
        await store.insertApproval(a);
        expect(await store.getApproval(a.id)).toEqual(a);
        expect(await store.getApproval('no-such-id')).toBeNull();
      });

      it('returned approvals are copies: changing one does not change the store', async () => {
        const a = approval();
        await store.insertApproval(a);
        const read = (await store.getApproval(a.id)) as ApprovalRecord;
        read.status = 'revoked';
        read.history.push({ at: 'x', by: 'y', type: 'evidence' });
        a.reason = 'changed after insert';
        expect(await store.getApproval(a.id)).toEqual({ ...a, reason: 'Opfylder kriterierne' });
      });

      it('properties set to undefined are left out, as in JSON', async () => {
        const a = approval({ nextDueDate: undefined });
        await store.insertApproval(a);
        const read = (await store.getApproval(a.id)) as ApprovalRecord;
        expect(Object.prototype.hasOwnProperty.call(read, 'nextDueDate')).toBe(false);
      });

      it('inserting an approval with an existing id is refused and the original is kept', async () => {
        const a = approval();
        await store.insertApproval(a);
        await expect(store.insertApproval({ ...a, status: 'revoked' })).rejects.toBeInstanceOf(DuplicateIdError);
        expect(await store.getApproval(a.id)).toEqual(a);
      });

      it('an update with the current version stores the new state with version + 1', async () => {
        const a = approval();
        await store.insertApproval(a);
        const next: ApprovalRecord = {
          ...a,
          status: 'revoked',
          history: [...a.history, { at: '2026-04-01T09:00:00.000Z', by: 'inspektoer@midt', type: 'revocation', reason: 'Ikke opfyldt', fromStatus: 'active', toStatus: 'revoked' }],
          updatedAt: '2026-04-01T09:00:00.000Z',
        };
        expect(await store.updateApproval(next, 1)).toBe(true);
        expect(await store.getApproval(a.id)).toEqual({ ...next, version: 2 });
        // The version in `next` is not trusted: the store sets expectedVersion + 1.
        expect(await store.updateApproval({ ...next, version: 99, reason: 'again' }, 2)).toBe(true);
        expect((await store.getApproval(a.id))?.version).toBe(3);
      });

      it('a stale version is refused and nothing changes', async () => {
        const a = approval();
        await store.insertApproval(a);
        expect(await store.updateApproval({ ...a, status: 'at-risk' }, 1)).toBe(true);
        const before = await store.getApproval(a.id);
        expect(await store.updateApproval({ ...a, status: 'revoked' }, 1)).toBe(false);
        expect(await store.updateApproval({ ...a, status: 'revoked' }, 5)).toBe(false);
        expect(await store.getApproval(a.id)).toEqual(before);
      });

      it('updating an approval that does not exist returns false and creates nothing', async () => {
        const a = approval();
        expect(await store.updateApproval(a, 1)).toBe(false);
        expect(await store.getApproval(a.id)).toBeNull();
      });

      it('of two concurrent updates with the same expected version exactly one wins', async () => {
        const a = approval();
        await store.insertApproval(a);
        const results = await Promise.all([
          store.updateApproval({ ...a, status: 'revoked', reason: 'first' }, 1),
          store.updateApproval({ ...a, status: 'at-risk', reason: 'second' }, 1),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const stored = (await store.getApproval(a.id)) as ApprovalRecord;
        expect(stored.version).toBe(2);
        expect(stored.reason).toBe(results[0] ? 'first' : 'second');
        expect(stored.status).toBe(results[0] ? 'revoked' : 'at-risk');
      });

      it('of ten concurrent updates with the same expected version exactly one wins', async () => {
        const a = approval();
        await store.insertApproval(a);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.updateApproval({ ...a, reason: `writer ${i}` }, 1)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.getApproval(a.id)).toEqual({ ...a, reason: `writer ${winner}`, version: 2 });
      });

      describe('one approval in force per provider, speciale and level', () => {
        const shop = provider({ tilbudId: 'in-force-1' });
        const inForce = (overrides: Partial<ApprovalRecord> = {}) => approval({ provider: shop, ...overrides });

        it('a second approval in force for the same provider, speciale and level is refused, names the first, and stores nothing', async () => {
          const first = inForce();
          await store.insertApproval(first);
          for (const status of ['active', 'at-risk', 'evidence-overdue'] as const) {
            const second = inForce({ status });
            const refusal = await store.insertApproval(second).then(() => null, (error: unknown) => error);
            expect(refusal).toBeInstanceOf(ApprovalInForceError);
            expect(refusal).toMatchObject({ approvalId: second.id, inForceId: first.id });
            expect(await store.getApproval(second.id)).toBeNull();
          }
          expect(await store.countApprovals({ tilbudId: shop.tilbudId })).toBe(1);
        });

        it('approvals not in force, and approvals for another level, speciale or provider, are stored beside it', async () => {
          await store.insertApproval(inForce());
          for (const status of ['rejected', 'revoked', 'expired'] as const) await store.insertApproval(inForce({ status, decision: status === 'rejected' ? 'rejected' : 'approved' }));
          await store.insertApproval(inForce({ level: 'raadgivningsfunktion' }));
          await store.insertApproval(inForce({ speciale: 'erhvervet-hjerneskade' }));
          await store.insertApproval(approval({ provider: provider({ tilbudId: 'in-force-2' }) }));
          expect(await store.countApprovals({ tilbudId: shop.tilbudId })).toBe(6);
        });

        it('once the approval in force is revoked a new one can be stored, and an update back into force is refused while that one is', async () => {
          const first = inForce();
          await store.insertApproval(first);
          expect(await store.updateApproval({ ...first, status: 'revoked' }, 1)).toBe(true);
          const second = inForce();
          await store.insertApproval(second);
          await expect(store.updateApproval({ ...first, status: 'active' }, 2)).rejects.toMatchObject({ name: 'ApprovalInForceError', inForceId: second.id });
          expect(await store.getApproval(first.id)).toMatchObject({ status: 'revoked', version: 2 });
          // Changes between statuses in force are not affected.
          expect(await store.updateApproval({ ...second, status: 'at-risk' }, 1)).toBe(true);
        });

        it('of concurrent inserts of approvals in force for one provider exactly one is stored, also after reopening', async () => {
          const candidates = Array.from({ length: 5 }, () => inForce());
          const results = await Promise.allSettled(candidates.map((a) => store.insertApproval(a)));
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ApprovalInForceError);
          store = await harness.reopen();
          expect(await store.countApprovals({ tilbudId: shop.tilbudId })).toBe(1);
          await expect(store.insertApproval(inForce())).rejects.toBeInstanceOf(ApprovalInForceError);
        });
      });

      describe('listing', () => {
        let records: ApprovalRecord[];
        beforeEach(async () => {
          records = approvalFixture();
          // Insert out of order: the order of listing must not depend on insertion order.
          for (const r of [...records].reverse()) await store.insertApproval(r);
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
            const { ids } = await allPages(store, filter, limit);
            expect(ids).toEqual(expected);
          }
          expect(await store.countApprovals(filter)).toBe(expected.length);
          expect((await collect(store.findApprovals(filter))).map((a) => a.id)).toEqual(expected);
        });

        it('listed approvals are the full records', async () => {
          const page = await store.listApprovals({ tilbudId: '1003' }, { limit: 50 });
          expect(page.items).toEqual(records.filter((r) => r.provider.tilbudId === '1003').sort(byCreatedAtThenId));
        });

        it('the last page has no nextCursor, also when it is exactly full', async () => {
          const all = await store.listApprovals({}, { limit: 30 });
          expect(all.items).toHaveLength(30);
          expect(all.nextCursor).toBeUndefined();
          const first = await store.listApprovals({}, { limit: 15 });
          expect(first.nextCursor).toBeDefined();
          const second = await store.listApprovals({}, { limit: 15, cursor: first.nextCursor });
          expect(second.items).toHaveLength(15);
          expect(second.nextCursor).toBeUndefined();
        });

        it('a cursor the store did not issue is refused as invalid input', async () => {
          await expect(store.listApprovals({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
          const forged = Buffer.from(JSON.stringify({ createdAt: { $gt: '' } })).toString('base64url');
          await expect(store.listApprovals({}, { limit: 5, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
        });

        it('an approval inserted behind the cursor does not disturb the pages still to come', async () => {
          const first = await store.listApprovals({}, { limit: 10 });
          await store.insertApproval(approval({ createdAt: '2026-01-01T00:00:00.000Z' }));
          const rest = await allPages(store, {}, 10);
          const afterCursor = await store.listApprovals({}, { limit: 100, cursor: first.nextCursor });
          expect(afterCursor.items.map((a) => a.id)).toEqual(rest.ids.slice(11));
        });
      });

      it('findApprovals visits each approval exactly once while a batch job changes their status', async () => {
        const n = 230; // more than one internal page
        const inserted: string[] = [];
        for (let i = 0; i < n; i++) {
          const a = approval({ createdAt: `2026-03-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z` });
          await store.insertApproval(a);
          inserted.push(a.id);
        }
        const seen: string[] = [];
        for await (const a of store.findApprovals({ status: 'active' })) {
          seen.push(a.id);
          expect(await store.updateApproval({ ...a, status: 'at-risk' }, a.version)).toBe(true);
        }
        expect(seen).toEqual(inserted);
        expect(await store.countApprovals({ status: 'active' })).toBe(0);
      });
    });

    describe('audit log', () => {
      const input = (i: number) => ({
        at: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
        subject: 'inspektoer@midt',
        action: 'approval.approved',
        entityType: 'approval',
        entityId: `ap-${i}`,
        summary: { i, reason: 'Opfylder kriterierne', nested: { list: [1, 2, 3] } },
      });

      it('an empty log verifies', async () => {
        expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 0 });
        expect(await store.listAudit({ limit: 10 })).toEqual([]);
      });

      it('appends form a gapless hash chain whose verification passes', async () => {
        const entries: AuditEntry[] = [];
        for (let i = 1; i <= 5; i++) entries.push(await store.appendAudit(input(i)));
        expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(entries[0].prevHash).toBe(GENESIS_HASH);
        for (let i = 0; i < entries.length; i++) {
          const { hash, ...withoutHash } = entries[i];
          expect(hash).toMatch(/^[0-9a-f]{64}$/);
          expect(auditEntryHash(withoutHash)).toBe(hash);
          if (i > 0) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
          expect(entries[i]).toMatchObject(input(i + 1));
        }
        expect(await store.listAudit({ limit: 100 })).toEqual(entries);
        expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
      });

      it('listAudit pages in seq order after a given seq', async () => {
        for (let i = 1; i <= 7; i++) await store.appendAudit(input(i));
        expect((await store.listAudit({ limit: 3 })).map((e) => e.seq)).toEqual([1, 2, 3]);
        expect((await store.listAudit({ limit: 3, afterSeq: 3 })).map((e) => e.seq)).toEqual([4, 5, 6]);
        expect((await store.listAudit({ limit: 3, afterSeq: 6 })).map((e) => e.seq)).toEqual([7]);
        expect(await store.listAudit({ limit: 3, afterSeq: 7 })).toEqual([]);
      });

      it('50 concurrent appends still form one gapless chain', async () => {
        const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendAudit(input(i + 1))));
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(new Set(appended.map((e) => e.entityId)).size).toBe(50);
        expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 50 });
      });

      it('what is stored is exactly what was hashed: dates become ISO strings, undefined is dropped', async () => {
        const entry = await store.appendAudit({ ...input(1), summary: { when: new Date('2026-03-01T10:00:00Z'), gone: undefined, kept: null } });
        expect(entry.summary).toEqual({ when: '2026-03-01T10:00:00.000Z', kept: null });
        expect(await store.listAudit({ limit: 1 })).toEqual([entry]);
        expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 1 });
      });

      it('tampering with a stored entry makes verification report that entry as the first broken one', async () => {
        for (let i = 1; i <= 5; i++) await store.appendAudit(input(i));
        store = await harness.tamperAudit(3, { summary: { i: 3, reason: 'Noget andet' } });
        const result = await store.verifyAuditChain();
        expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3 });
      });

      it('tampering that also recomputes the hash breaks the link from the next entry', async () => {
        for (let i = 1; i <= 5; i++) await store.appendAudit(input(i));
        const [original] = await store.listAudit({ limit: 1, afterSeq: 1 });
        const { hash: _old, ...rest } = { ...original, subject: 'someone-else' };
        store = await harness.tamperAudit(2, { subject: 'someone-else', hash: auditEntryHash(rest) });
        expect(await store.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 3 });
      });

      it('appends after a reopen continue the same chain', async () => {
        for (let i = 1; i <= 3; i++) await store.appendAudit(input(i));
        store = await harness.reopen();
        const next = await store.appendAudit(input(4));
        expect(next.seq).toBe(4);
        expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 4 });
      });
    });

    describe('leases', () => {
      const t0 = new Date('2026-03-01T10:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);

      it('a lease is exclusive until it expires and can then be taken by another holder', async () => {
        expect(await store.acquireLease('recheck-batch', 'instance-a', 60_000, t0)).toBe(true);
        expect(await store.acquireLease('recheck-batch', 'instance-b', 60_000, at(1_000))).toBe(false);
        expect(await store.acquireLease('recheck-batch', 'instance-b', 60_000, at(59_999))).toBe(false);
        expect(await store.acquireLease('recheck-batch', 'instance-b', 60_000, at(60_000))).toBe(true);
        expect(await store.acquireLease('recheck-batch', 'instance-a', 60_000, at(61_000))).toBe(false);
      });

      it('the holder can extend its lease, which keeps others out for longer', async () => {
        expect(await store.acquireLease('l', 'a', 10_000, t0)).toBe(true);
        expect(await store.acquireLease('l', 'a', 10_000, at(8_000))).toBe(true);
        expect(await store.acquireLease('l', 'b', 10_000, at(12_000))).toBe(false);
        expect(await store.acquireLease('l', 'b', 10_000, at(18_000))).toBe(true);
      });

      it('releasing frees the lease; only the holder can release it', async () => {
        expect(await store.acquireLease('l', 'a', 60_000, t0)).toBe(true);
        await store.releaseLease('l', 'b');
        expect(await store.acquireLease('l', 'b', 60_000, at(1))).toBe(false);
        await store.releaseLease('l', 'a');
        expect(await store.acquireLease('l', 'b', 60_000, at(2))).toBe(true);
      });

      it('releasing needs the holder: without one nothing is released', async () => {
        expect(await store.acquireLease('l', 'a', 60_000, t0)).toBe(true);
        await expect(store.releaseLease('l', undefined as unknown as string)).rejects.toThrow();
        expect(await store.acquireLease('l', 'b', 60_000, at(1))).toBe(false);
      });

      it('different lease names are independent', async () => {
        expect(await store.acquireLease('one', 'a', 60_000, t0)).toBe(true);
        expect(await store.acquireLease('two', 'b', 60_000, t0)).toBe(true);
      });

      it('of concurrent attempts on a free lease exactly one holder gets it', async () => {
        const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((h) => store.acquireLease('race', h, 60_000, t0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('documents', () => {
      it('insertUniqueDocument refuses a duplicate id and keeps the first document', async () => {
        expect(await store.insertUniqueDocument('rechecks', { id: 'ap-1:due-2027-03-01', outcome: 'compliant' })).toBe(true);
        expect(await store.insertUniqueDocument('rechecks', { id: 'ap-1:due-2027-03-01', outcome: 'at-risk' })).toBe(false);
        expect(await store.getDocument('rechecks', 'ap-1:due-2027-03-01')).toEqual({ id: 'ap-1:due-2027-03-01', outcome: 'compliant' });
      });

      it('putDocument inserts or replaces, and getDocument reads it back', async () => {
        await store.putDocument('recheckRuns', { id: 'run-1', status: 'running', counts: { compliant: 0 }, meta: { 'odd.key': { $x: 1 } } });
        await store.putDocument('recheckRuns', { id: 'run-1', status: 'finished', counts: { compliant: 3 } });
        expect(await store.getDocument('recheckRuns', 'run-1')).toEqual({ id: 'run-1', status: 'finished', counts: { compliant: 3 } });
        expect(await store.getDocument('recheckRuns', 'run-2')).toBeNull();
      });

      it('collections are separate', async () => {
        await store.putDocument('recheckRuns', { id: 'x', kind: 'run' });
        expect(await store.getDocument('capacityChanges', 'x')).toBeNull();
        expect(await store.insertUniqueDocument('capacityChanges', { id: 'x', kind: 'change' })).toBe(true);
        expect(await store.getDocument('recheckRuns', 'x')).toEqual({ id: 'x', kind: 'run' });
      });

      it('findDocuments returns the documents whose fields equal every query value, ordered by id', async () => {
        await store.putDocument('recheckRuns', { id: 'r3', status: 'running', holder: 'a', examined: 3 });
        await store.putDocument('recheckRuns', { id: 'r1', status: 'running', holder: 'b', examined: 0 });
        await store.putDocument('recheckRuns', { id: 'r2', status: 'finished', holder: 'a', examined: 3 });
        await store.putDocument('recheckRuns', { id: 'r4', status: ['running'], holder: 'a' });
        expect((await store.findDocuments('recheckRuns', { status: 'running' })).map((d) => d.id)).toEqual(['r1', 'r3']);
        expect((await store.findDocuments('recheckRuns', { holder: 'a', examined: 3 })).map((d) => d.id)).toEqual(['r2', 'r3']);
        expect((await store.findDocuments('recheckRuns', {})).map((d) => d.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
        expect(await store.findDocuments('recheckRuns', { status: 'gone' })).toEqual([]);
      });

      it('findDocuments refuses operator and path keys', async () => {
        await expect(store.findDocuments('recheckRuns', { $where: 'true' })).rejects.toBeInstanceOf(TypeError);
        await expect(store.findDocuments('recheckRuns', { 'counts.compliant': 1 })).rejects.toBeInstanceOf(TypeError);
      });
    });

    describe('lifecycle', () => {
      it('ping succeeds on a working store', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('everything survives close() and reopening', async () => {
        const e = evaluation({ approvalId: 'x' });
        const a = approval();
        await store.insertEvaluation(e);
        await store.insertApproval(a);
        expect(await store.updateApproval({ ...a, status: 'at-risk' }, 1)).toBe(true);
        const entry = await store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 'approval', entityId: a.id, summary: {} });
        expect(await store.acquireLease('l', 'holder-1', 60_000, new Date('2026-03-01T10:00:00Z'))).toBe(true);
        await store.putDocument('capacityChanges', { id: 'c1', places: 12 });

        store = await harness.reopen();
        expect(await store.getEvaluation(e.id)).toEqual(e);
        expect(await store.getApproval(a.id)).toEqual({ ...a, status: 'at-risk', version: 2 });
        expect(await store.listAudit({ limit: 10 })).toEqual([entry]);
        expect(await store.acquireLease('l', 'holder-2', 60_000, new Date('2026-03-01T10:00:30Z'))).toBe(false);
        expect(await store.getDocument('capacityChanges', 'c1')).toEqual({ id: 'c1', places: 12 });
        // And the reopened store still refuses a stale version.
        expect(await store.updateApproval({ ...a, status: 'revoked' }, 1)).toBe(false);
      });
    });
  });
}
