import { audit } from '../audit';
import type { RulesCatalogue } from '../rules/catalogue';
import { StoreUnavailableError } from '../store/errors';
import { newId } from '../store/ids';
import { LIVE_STATUSES, type ApprovalRecord, type Store, type StoredDocument } from '../store/types';
import { today, type Clock } from '../time/clock';
import { auditOf, dueReason, type RecheckOutcome, type Rechecker } from './recheck';

export const BATCH_LEASE = 'recheck-batch';
export const BATCH_SUBJECT = 'system:recheck';

export interface RecheckRun extends StoredDocument {
  id: string;
  /** `interrupted`: the process died, or stopped the run at shutdown, before the run got through. */
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  asOf: string;
  /** The lease holder: the instance and this run (one instance never runs two batches at once). */
  holder: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  examined: number;
  counts: Record<Exclude<RecheckOutcome, 'skipped'>, number> & { skipped: number };
  /** Re-checks an interrupted run had saved but not yet audited and recorded, finished by this run. */
  completedAfterInterruption?: number;
  /** The first MAX_LISTED_FAILURES failures; failureCount counts them all. */
  failures: { approvalId: string; message: string }[];
  failureCount?: number;
}

/** A run record is rewritten as it goes: a failure repeated for every approval must not grow it without end. */
export const MAX_LISTED_FAILURES = 100;

export class BatchBusyError extends Error {
  constructor() {
    super('Another re-check run holds the lease; try again when it has finished');
  }
}

export interface BatchDeps {
  store: Store;
  rules: RulesCatalogue;
  clock: Clock;
  rechecker: Rechecker;
  /** Identifies this process among several service instances on one store. */
  holder: string;
  leaseTtlMs?: number;
}

const PROGRESS_EVERY = 100;

/**
 * A batch run re-checks every approval that is due. Idempotent: each due occasion has a key and is done
 * at most once. Resumable: after a crash the next run finds only what is still due. One run at a time,
 * in one process and across instances on one store: a lease with expiry, held per run and renewed
 * while the run goes on; a dead holder's lease runs out.
 */
export class RecheckBatch {
  private readonly ttl: number;
  /** Per run begun: the start of the earliest run it found interrupted, whose last re-check may lack its audit entry. */
  private readonly interruptedSince = new Map<string, string | undefined>();
  private readonly executing = new Set<Promise<RecheckRun>>();
  private stopping = false;

  constructor(private readonly deps: BatchDeps) {
    this.ttl = deps.leaseTtlMs ?? 60_000;
  }

  /** Take the lease and create the run record; the caller then awaits `execute` (or lets it run in the background). */
  async begin(): Promise<RecheckRun> {
    const { store, clock } = this.deps;
    if (this.stopping) throw new BatchBusyError();
    const id = newId();
    // A holder per run: the lease lets its own holder in again, and a second run of this process must not be.
    const holder = `${this.deps.holder}/${id}`;
    if (!(await store.acquireLease(BATCH_LEASE, holder, this.ttl, clock.now()))) throw new BatchBusyError();
    let interruptedSince: string | undefined;
    for (const stale of await store.findDocuments<RecheckRun>('recheckRuns', { status: 'running' })) {
      await store.putDocument('recheckRuns', { ...stale, status: 'interrupted' });
      if (interruptedSince === undefined || stale.startedAt < interruptedSince) interruptedSince = stale.startedAt;
    }
    this.interruptedSince.set(id, interruptedSince);
    const run: RecheckRun = {
      id,
      status: 'running',
      asOf: today(clock),
      holder,
      startedAt: clock.now().toISOString(),
      examined: 0,
      counts: { compliant: 0, 'at-risk': 0, 'evidence-overdue': 0, expired: 0, skipped: 0 },
      failures: [],
    };
    await store.putDocument('recheckRuns', run);
    return run;
  }

  async execute(run: RecheckRun, onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    const execution = this.work(run, onProgress);
    this.executing.add(execution);
    try {
      return await execution;
    } finally {
      this.executing.delete(execution);
    }
  }

  /**
   * For shutdown: runs stop between two approvals (recorded as interrupted, lease released; the next run
   * goes on from there), no new run begins, and this resolves when they have stopped.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.executing]);
  }

  private async work(run: RecheckRun, onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    const { store, rules, clock, rechecker } = this.deps;
    const started = Date.now();
    const interruptedSince = this.interruptedSince.get(run.id);
    let leaseRenewedAt = clock.now().getTime();
    const failed = (approvalId: string, error: unknown) => {
      run.failureCount = (run.failureCount ?? 0) + 1;
      if (run.failures.length < MAX_LISTED_FAILURES) run.failures.push({ approvalId, message: (error as Error).message });
    };
    try {
      visiting: for (const status of LIVE_STATUSES) {
        for await (const approval of store.findApprovals({ status })) {
          if (this.stopping) break visiting;
          run.examined += 1;
          const due = dueReason(approval, run.asOf, rules);
          if (!due) {
            await this.completeInterrupted(approval, run, interruptedSince);
          } else {
            const key = `${approval.id}:${due.key}`;
            if (await store.getDocument('rechecks', key)) {
              run.counts.skipped += 1;
            } else {
              try {
                const result = await rechecker.recheck(approval.id, due.trigger, { by: BATCH_SUBJECT, dueKey: key });
                run.counts[result.outcome] += 1;
                // Skipped: no longer in force, or the occasion was done meanwhile (that run records the key).
                if (result.outcome !== 'skipped') {
                  await store.insertUniqueDocument('rechecks', { id: key, runId: run.id, approvalId: approval.id, outcome: result.outcome, at: clock.now().toISOString() });
                }
              } catch (error) {
                // Without a store every further approval would fail too, each after a timeout.
                if (error instanceof StoreUnavailableError) throw error;
                failed(approval.id, error);
              }
            }
          }
          // Renewed by time, not by count: slow approvals must not let the lease run out under a live run.
          if (clock.now().getTime() - leaseRenewedAt >= this.ttl / 3) {
            if (!(await store.acquireLease(BATCH_LEASE, run.holder, this.ttl, clock.now()))) throw new Error('lost the re-check lease to another instance');
            leaseRenewedAt = clock.now().getTime();
          }
          if (run.examined % PROGRESS_EVERY === 0) {
            await store.putDocument('recheckRuns', run);
            onProgress?.(run);
          }
        }
      }
      if (this.stopping) {
        run.status = 'interrupted';
      } else {
        // An interrupted run's last expiry made its approval no longer live, so the loop above did not see it.
        if (interruptedSince !== undefined) {
          for await (const approval of store.findApprovals({ status: 'expired' })) await this.completeInterrupted(approval, run, interruptedSince);
        }
        run.status = 'finished';
      }
    } catch (error) {
      run.status = 'failed';
      failed('-', error);
    } finally {
      this.interruptedSince.delete(run.id);
      run.finishedAt = clock.now().toISOString();
      run.durationMs = Date.now() - started;
      try {
        await store.putDocument('recheckRuns', run);
      } finally {
        // Released even when the record cannot be written; if the store is gone, the lease runs out by itself.
        await store.releaseLease(BATCH_LEASE, run.holder).catch(() => undefined);
      }
      onProgress?.(run);
    }
    return run;
  }

  /**
   * A run killed between saving a re-checked (or expired) approval and appending its audit entry leaves
   * the approval no longer due, so no later run would look at it again. Its newest history entry says
   * what was done: append the audit entry and record the due key. A kill in the instant between the
   * audit entry and the due key gives a second entry for the same change (marked
   * completedAfterInterruption): an audit entry may repeat, none is missing.
   */
  private async completeInterrupted(approval: ApprovalRecord, run: RecheckRun, since: string | undefined): Promise<void> {
    const last = approval.history[approval.history.length - 1];
    if (since === undefined || last === undefined || last.by !== BATCH_SUBJECT || last.at < since) return;
    const isBatchWork = last.type === 'recheck' || (last.type === 'status-change' && last.toStatus === 'expired');
    const dueKey = last.details?.dueKey;
    if (!isBatchWork || typeof dueKey !== 'string') return;
    const { store } = this.deps;
    if (await store.getDocument('rechecks', dueKey)) return;
    const entry = auditOf(approval.id, last);
    await audit(store, { ...entry, summary: { ...entry.summary, completedAfterInterruption: true } });
    const outcome = last.type === 'recheck' ? String(last.details?.outcome) : 'expired';
    await store.insertUniqueDocument('rechecks', { id: dueKey, runId: run.id, approvalId: approval.id, outcome, at: last.at });
    run.completedAfterInterruption = (run.completedAfterInterruption ?? 0) + 1;
  }

  async run(onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    return this.execute(await this.begin(), onProgress);
  }
}
