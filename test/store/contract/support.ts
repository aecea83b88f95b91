/** What the parts of the store contract share: the store under test and small ways to write through it. */
import type { StoreHarness } from '../contract';
import type { AuditEntry, AuditInput, CommitOutcome } from '../../../src/store/types';
import type { ApprovalRecord } from '../../../src/approvals/records';
import type { EvaluationRecord, ContractChange, ContractStore } from '../support/fixtures';

/** The harness of the running test; `store` is always the one to use (a reopen or a backdoor may replace it). */
export interface ContractContext {
  readonly harness: StoreHarness;
  readonly store: ContractStore;
}

export const AT = '2026-03-01T10:00:00.000Z';

/** An audit entry for a test change; `i` ends up in its summary, so entries can be told apart. */
export function audit(i: number | string, entityId = `entity-${i}`): AuditInput {
  return { at: AT, subject: 'inspektoer@midt', action: 'test', entityType: 'approval', entityId, summary: { i } };
}

/** Commits and expects it to be committed: the entry. */
export async function committed(store: ContractStore, change: ContractChange): Promise<AuditEntry> {
  const outcome = await store.commit(change);
  if (!outcome.committed) throw new Error(`expected the change to be committed, but it was refused: ${JSON.stringify(outcome)}`);
  return outcome.entry;
}

export function insertEvaluation(store: ContractStore, e: EvaluationRecord): Promise<AuditEntry> {
  return committed(store, { audit: audit(`evaluation ${e.id}`, e.id), evaluation: e });
}

export function insertApproval(store: ContractStore, a: ApprovalRecord): Promise<AuditEntry> {
  return committed(store, { audit: audit(`approval ${a.id}`, a.id), approval: { insert: a } });
}

export function updateApproval(store: ContractStore, a: ApprovalRecord, expectedVersion: number): Promise<CommitOutcome> {
  return store.commit({ audit: audit(`update ${a.id}`, a.id), approval: { update: a, expectedVersion } });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The number of entries in the log (seqs are gapless, so also the newest seq). */
export async function auditLength(store: ContractStore): Promise<number> {
  return (await store.listAudit({ limit: 100_000 })).length;
}
