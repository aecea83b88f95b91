/**
 * The audit chain as both stores keep it: building the next entry, verifying the whole chain against the
 * head recorded with the last commit (and a head kept elsewhere), and checking the link before an append.
 */
import { GENESIS_HASH, auditEntryHash } from './auditHash';
import type { AuditEntry, AuditInput, AuditVerification, AuditVerifyOptions } from './types';

/**
 * The next audit entry after `last`. The summary is normalised to plain JSON first, so what is stored
 * (and read back by a verifier) is exactly what was hashed: no Dates, no undefined, no lone surrogates
 * (which UTF-8 storage would replace with U+FFFD).
 */
export function nextAuditEntry(input: AuditInput, last: { seq: number; hash: string } | null): AuditEntry {
  const base = {
    seq: (last?.seq ?? 0) + 1,
    at: wellFormed(input.at),
    subject: wellFormed(input.subject),
    action: wellFormed(input.action),
    entityType: wellFormed(input.entityType),
    entityId: wellFormed(input.entityId),
    summary: plainJson(input.summary ?? {}) as Record<string, unknown>,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return { ...base, hash: auditEntryHash(base) };
}

function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v));
}

function wellFormed(s: string): string {
  if (typeof s !== 'string') throw new TypeError('audit entry fields must be strings');
  // String.prototype.toWellFormed exists in Node 20 but not in the ES2022 lib typings.
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

/**
 * Checks entries given in seq order: seq gapless from 1, prevHash links, hash matches content. Then the
 * ends: the newest entry must be `recorded` (the head the store wrote with its last commit, so entries
 * cut from the end are found), and the chain must still hold `options.head` (a head someone kept, so a
 * chain cut, replaced or rewritten with every later hash recomputed is found).
 */
export async function verifyChain(
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
  recorded: { seq: number; hash: string } | null,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let last: AuditEntry | null = null;
  let headSeen = false;
  for await (const entry of entries) {
    if (entry.seq !== expected) {
      return {
        ok: false,
        firstBrokenSeq: expected,
        reason: typeof entry.seq === 'number' && entry.seq > expected ? `entry ${expected} is missing` : `entry ${expected} has seq ${String(entry.seq)}`,
      };
    }
    if (entry.prevHash !== prevHash) return { ok: false, firstBrokenSeq: entry.seq, reason: "prevHash does not match the previous entry's hash" };
    if (auditEntryHash(entry) !== entry.hash) return { ok: false, firstBrokenSeq: entry.seq, reason: "hash does not match the entry's content" };
    if (options.head && entry.seq === options.head.seq) {
      if (entry.hash !== options.head.hash) return { ok: false, firstBrokenSeq: entry.seq, reason: `entry ${entry.seq} is not the one in the given head: the chain was rewritten from there or before` };
      headSeen = true;
    }
    prevHash = entry.hash;
    last = entry;
    expected += 1;
  }
  const count = expected - 1;
  if (recorded && (recorded.seq !== count || recorded.hash !== prevHash)) {
    return {
      ok: false,
      firstBrokenSeq: Math.min(recorded.seq, count + 1),
      reason: recorded.seq > count ? `entries ${count + 1}–${recorded.seq} are missing: the log ends before the head recorded with the last commit` : `the newest entry is not the head recorded with the last commit (${recorded.seq})`,
    };
  }
  if (!recorded && count > 0) return { ok: false, firstBrokenSeq: count, reason: 'the log has entries but no recorded head' };
  if (options.head && !headSeen) {
    return { ok: false, firstBrokenSeq: Math.min(options.head.seq, count + 1), reason: `the log ends at ${count}, before entry ${options.head.seq} of the given head: entries were removed from the end` };
  }
  return { ok: true, entries: count, head: last ? { seq: last.seq, hash: last.hash, at: last.at } : null };
}

/**
 * Checks that the newest stored entry still belongs to the chain before a new one is linked to it:
 * its content hashes to its hash, it links to the entry before it, and it is the head recorded with the
 * last commit. Returns why not, or undefined when the link holds.
 */
export function brokenLink(
  tail: AuditEntry | null,
  beforeTail: AuditEntry | null,
  recorded: { seq: number; hash: string } | null,
): { firstBrokenSeq: number; reason: string } | undefined {
  if (!tail) return recorded ? { firstBrokenSeq: 1, reason: `the log is empty, but the recorded head is entry ${recorded.seq}` } : undefined;
  if (auditEntryHash(tail) !== tail.hash) return { firstBrokenSeq: tail.seq, reason: "the newest entry's hash does not match its content" };
  const expectedPrev = tail.seq === 1 ? GENESIS_HASH : beforeTail?.hash;
  if (tail.prevHash !== expectedPrev) return { firstBrokenSeq: tail.seq, reason: 'the newest entry does not link to the one before it' };
  if (!recorded || recorded.seq !== tail.seq || recorded.hash !== tail.hash) {
    return { firstBrokenSeq: Math.min(tail.seq, recorded?.seq ?? tail.seq), reason: `the newest entry (${tail.seq}) is not the head recorded with the last commit (${recorded ? recorded.seq : 'none'})` };
  }
  return undefined;
}
