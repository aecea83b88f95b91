/**
 * Child process for the kill -9 and the two-process tests: commits through the real SqliteStore in a
 * loop and prints one JSON line per change only after its commit resolved. Each iteration sends a few
 * commits at once (so they are grouped into one transaction) and then updates the process's anchor
 * approval by compare-and-set.
 *
 * Run with: node --require test/support/tsRegister.js test/store/support/crashWriter.ts <dataDir> [iterations]
 * Without `iterations` it runs until killed; with it, it stops after that many and exits 0.
 */
import { randomUUID } from 'node:crypto';
import { SqliteStore } from '../../../src/store/sqlite';
import type { AuditInput, CommitOutcome } from '../../../src/store/types';
import { approval, evaluation, STORE_OPTIONS, type ContractRecords } from './fixtures';

/** Commits sent at once in each iteration, besides the anchor's update. */
const AT_ONCE = 4;

export interface Ack {
  kind: 'insert' | 'anchor';
  i: number;
  approvalId: string;
  evaluationId?: string;
  anchorVersion?: number;
  seq: number;
  writer: number;
}

function entry(action: string, entityId: string, i: number): AuditInput {
  return { at: new Date().toISOString(), subject: `crash-writer-${process.pid}`, action, entityType: 'approval', entityId, summary: { i, pid: process.pid } };
}

function ack(line: Ack): void {
  // Written synchronously to the pipe (stdout to a pipe is synchronous on Linux), after the commit resolved.
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function seqOf(outcome: CommitOutcome): number {
  if (!outcome.committed) throw new Error(`unexpected refusal: ${JSON.stringify(outcome)}`);
  return outcome.entry.seq;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const iterations = process.argv[3] === undefined ? Infinity : Number(process.argv[3]);
  if (!dataDir) throw new Error('usage: crashWriter <dataDir> [iterations]');
  const store = new SqliteStore<ContractRecords>(dataDir, STORE_OPTIONS);
  await store.init();
  const anchor = approval({ id: `anchor-${randomUUID()}` });
  seqOf(await store.commit({ audit: entry('anchor', anchor.id, -1), approval: { insert: anchor } }));
  let version = 1;
  for (let i = 0; i < iterations; i++) {
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        const a = approval({ reason: `iteration ${i}` });
        const e = evaluation({ approvalId: a.id });
        const seq = seqOf(await store.commit({ audit: entry('insert', a.id, i), evaluation: e, approval: { insert: { ...a, evaluationId: e.id } } }));
        ack({ kind: 'insert', i, approvalId: a.id, evaluationId: e.id, seq, writer: process.pid });
      }),
    );
    const seq = seqOf(await store.commit({ audit: entry('update', anchor.id, i), approval: { update: { ...anchor, reason: `update ${i}` }, expectedVersion: version } }));
    version += 1;
    ack({ kind: 'anchor', i, approvalId: anchor.id, anchorVersion: version, seq, writer: process.pid });
  }
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
