/**
 * The audit chain against someone with access to the storage: what verification finds with and without
 * a head kept elsewhere, and that the store writes nothing on a chain whose newest link is broken.
 */
import { auditEntryHash } from '../../../src/store/auditHash';
import { nextAuditEntry } from '../../../src/store/auditChain';
import { StoreIntegrityError } from '../../../src/store/errors';
import type { AuditEntry } from '../../../src/store/types';
import { approval, type ContractStore } from '../support/fixtures';
import { audit, committed, type ContractContext } from './support';

/** The entries again from `from` on, with `edit` applied to entry `from` and every later hash recomputed. */
function rewrittenFrom(entries: AuditEntry[], from: number, edit: Partial<AuditEntry>): AuditEntry[] {
  const out = entries.slice(0, from - 1);
  for (const entry of entries.slice(from - 1)) {
    const { seq: _seq, prevHash: _prev, hash: _hash, ...input } = entry.seq === from ? { ...entry, ...edit } : entry;
    out.push(nextAuditEntry(input, out.length > 0 ? out[out.length - 1] : null));
  }
  return out;
}

async function commitEntries(store: ContractStore, from: number, to: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let i = from; i <= to; i++) entries.push(await committed(store, { audit: audit(i) }));
  return entries;
}

export function auditTamperingContract(t: ContractContext): void {
  describe('the audit chain against tampering', () => {
    it('an entry changed in the storage is reported as the first broken one', async () => {
      await commitEntries(t.store, 1, 5);
      const store = await t.harness.tamperAudit(3, { summary: { i: 3, reason: 'Noget andet' } });
      expect(await store.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    });

    it('a changed entry with its hash recomputed breaks the link from the next entry', async () => {
      const entries = await commitEntries(t.store, 1, 5);
      const { hash: _old, ...rest } = { ...entries[1], subject: 'someone-else' };
      const store = await t.harness.tamperAudit(2, { subject: 'someone-else', hash: auditEntryHash(rest) });
      expect(await store.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    });

    it('verification against a head taken earlier passes while the chain has only grown', async () => {
      await commitEntries(t.store, 1, 3);
      const head = await t.store.auditHead();
      await commitEntries(t.store, 4, 6);
      expect(await t.store.verifyAuditChain({ head: head! })).toMatchObject({ ok: true, entries: 6 });
      expect(await t.store.verifyAuditChain({ head: { seq: 3, hash: 'f'.repeat(64) } })).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    });

    it('entries deleted from the end are found without a kept head, as the log ends before the recorded head', async () => {
      await commitEntries(t.store, 1, 5);
      const store = await t.harness.deleteAuditFrom(4, { fixHead: false });
      expect(await store.verifyAuditChain()).toMatchObject({ ok: false });
    });

    it.each([false, true])('entries deleted from the end (recorded head fixed: %s) fail verification against a head taken before', async (fixHead) => {
      await commitEntries(t.store, 1, 5);
      const head = (await t.store.auditHead())!;
      const store = await t.harness.deleteAuditFrom(4, { fixHead });
      const result = await store.verifyAuditChain({ head });
      expect(result).toMatchObject({ ok: false });
      expect(result.ok === false && result.firstBrokenSeq).toBeLessThanOrEqual(5);
    });

    it('a chain cut and replaced by a fresh one fails verification against a head taken before', async () => {
      await commitEntries(t.store, 1, 4);
      const head = (await t.store.auditHead())!;
      const fresh: AuditEntry[] = [];
      for (let i = 1; i <= 6; i++) fresh.push(nextAuditEntry({ ...audit(`forged ${i}`), subject: 'forger' }, fresh[fresh.length - 1] ?? null));
      const store = await t.harness.replaceAudit(fresh, { seq: 6, hash: fresh[5].hash });
      expect(await store.verifyAuditChain({ head })).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    });

    it('an entry edited with every later hash recomputed and the recorded head fixed fails verification against a head taken before', async () => {
      const entries = await commitEntries(t.store, 1, 6);
      const head = (await t.store.auditHead())!;
      const rewritten = rewrittenFrom(entries, 2, { subject: 'someone-else' });
      const newest = rewritten[rewritten.length - 1];
      const store = await t.harness.replaceAudit(rewritten, { seq: newest.seq, hash: newest.hash });
      const result = await store.verifyAuditChain({ head });
      expect(result).toMatchObject({ ok: false });
      expect(result.ok === false && result.firstBrokenSeq).toBeLessThanOrEqual(6);
    });

    describe('a commit on a chain whose newest link is broken is refused with StoreIntegrityError and writes nothing', () => {
      const damages: [string, (store: ContractStore) => Promise<ContractStore>][] = [
        ['the newest entry changed', () => t.harness.tamperAudit(3, { subject: 'someone-else' })],
        ['the newest entry changed, its hash recomputed', async (store) => {
          const [newest] = await store.listAudit({ limit: 1, afterSeq: 2 });
          const { hash: _h, ...rest } = { ...newest, subject: 'someone-else' };
          return t.harness.tamperAudit(3, { subject: 'someone-else', hash: auditEntryHash(rest) });
        }],
        ['the newest entry deleted', () => t.harness.deleteAuditFrom(3, { fixHead: false })],
        ['the newest entry replaced by another that links', async (store) => {
          const entries = await store.listAudit({ limit: 10 });
          const forged = nextAuditEntry({ ...audit('forged'), subject: 'forger' }, entries[1]);
          return t.harness.replaceAudit([entries[0], entries[1], forged], { seq: 3, hash: entries[2].hash });
        }],
      ];

      it.each(damages)('%s', async (_label, damage) => {
        await commitEntries(t.store, 1, 3);
        const store = await damage(t.store);
        const before = await store.listAudit({ limit: 10 });
        const records = [approval(), approval(), approval()];
        // A group of commits arriving together: every one of them is refused.
        const results = await Promise.allSettled(records.map((a, i) => store.commit({ audit: audit(`after ${i}`, a.id), approval: { insert: a } })));
        for (const r of results) {
          expect(r.status).toBe('rejected');
          expect(r.status === 'rejected' && r.reason).toBeInstanceOf(StoreIntegrityError);
          expect(r.status === 'rejected' && (r.reason as StoreIntegrityError).details.firstBrokenSeq).toEqual(expect.any(Number));
        }
        await expect(store.commitMany([{ audit: audit('batch') }])).rejects.toBeInstanceOf(StoreIntegrityError);
        for (const a of records) expect(await store.getApproval(a.id)).toBeNull();
        expect(await store.listAudit({ limit: 10 })).toEqual(before);
      });
    });
  });
}
