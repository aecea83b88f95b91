import type { RulesCatalogue } from '../rules/catalogue';
import { StoreIntegrityError, StoreUnavailableError } from '../store/errors';
import { newId } from './ids';
import { type StoredDocument } from '../store/types';
import type { ApprovalRecord, RecordStore } from './records';
import { IN_FORCE_STATUSES } from './status';
import { today, type Clock } from '../time/clock';
import { dueReason, type PlannedRecheck, type RecheckOutcome, type Rechecker } from './recheck';
import { commitWithFlags } from './advisory';

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
  /**
   * What became of the approvals examined: the re-check outcomes, `skipped` (done already, by another
   * run or a person) and `notDue` (not yet due on asOf); with the failures they add up to `examined`.
   * Runs recorded before notDue was counted lack it.
   */
  counts: Record<Exclude<RecheckOutcome, 'skipped'>, number> & { skipped: number; notDue: number };
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
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
  rechecker: Rechecker;
  /** Identifies this process among several service instances on one store. */
  holder: string;
  leaseTtlMs?: number;
}

const PROGRESS_EVERY = 100;
/** Re-checks committed together in one transaction (each with its own audit entry). */
export const COMMIT_GROUP = 100;

/**
 * A batch run re-checks every approval that is due. Idempotent: each due occasion has a key and is done
 * at most once. Resumable: after a crash the next run finds only what is still due. One run at a time,
 * in one process and across instances on one store: a lease with expiry, held per run and renewed
 * while the run goes on; a dead holder's lease runs out.
 */
export class RecheckBatch {
  private readonly ttl: number;
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
    for (const stale of await store.findDocuments<RecheckRun>('recheckRuns', { status: 'running' })) {
      await store.putRun({ ...stale, status: 'interrupted' });
    }
    const run: RecheckRun = {
      id,
      status: 'running',
      asOf: today(clock),
      holder,
      startedAt: clock.now().toISOString(),
      examined: 0,
      counts: { compliant: 0, 'at-risk': 0, 'evidence-overdue': 0, expired: 0, skipped: 0, notDue: 0 },
      failures: [],
    };
    await store.putRun(run);
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
    let leaseRenewedAt = clock.now().getTime();
    const failed = (approvalId: string, error: unknown) => {
      run.failureCount = (run.failureCount ?? 0) + 1;
      if (run.failures.length < MAX_LISTED_FAILURES) run.failures.push({ approvalId, message: (error as Error).message });
    };
    const group: PlannedRecheck[] = [];
    try {
      visiting: for (const status of IN_FORCE_STATUSES) {
        for await (const approval of store.findApprovals({ status })) {
          if (this.stopping) break visiting;
          run.examined += 1;
          const due = dueReason(approval, run.asOf, rules);
          if (due) {
            const key = `${approval.id}:${due.key}`;
            try {
              const planned = await rechecker.plan(approval, due.trigger, { by: BATCH_SUBJECT, dueKey: key, runId: run.id });
              if ('change' in planned) group.push(planned);
              else run.counts[planned.outcome] += 1;
            } catch (error) {
              if (error instanceof StoreUnavailableError || error instanceof StoreIntegrityError) throw error;
              failed(approval.id, error);
            }
            if (group.length >= COMMIT_GROUP) await this.commitGroup(group.splice(0), run, failed);
          } else {
            run.counts.notDue += 1;
          }
          // Renewed by time, not by count: slow approvals must not let the lease run out under a live run.
          if (clock.now().getTime() - leaseRenewedAt >= this.ttl / 3) {
            if (!(await store.acquireLease(BATCH_LEASE, run.holder, this.ttl, clock.now()))) throw new Error('lost the re-check lease to another instance');
            leaseRenewedAt = clock.now().getTime();
          }
          if (run.examined % PROGRESS_EVERY === 0) {
            await store.putRun(run);
            onProgress?.(run);
          }
        }
      }
      await this.commitGroup(group.splice(0), run, failed);
      run.status = this.stopping ? 'interrupted' : 'finished';
    } catch (error) {
      run.status = 'failed';
      failed('-', error);
    } finally {
      run.finishedAt = clock.now().toISOString();
      run.durationMs = Date.now() - started;
      try {
        await store.putRun(run);
      } finally {
        // Released even when the record cannot be written; if the store is gone, the lease runs out by itself.
        await store.releaseLease(BATCH_LEASE, run.holder).catch(() => undefined);
      }
      onProgress?.(run);
    }
    return run;
  }

  /**
   * Commits planned re-checks in one transaction, each with its entry. One refused because its approval
   * changed since it was read (an inspector's decision) is re-checked again on its own; one refused as a
   * duplicate was done by another run meanwhile. An expiry of a specialfunktion with a rådgivningsfunktion
   * resting on it commits in a transaction of its own with the flags it raises, all or none.
   */
  private async commitGroup(group: PlannedRecheck[], run: RecheckRun, failed: (approvalId: string, error: unknown) => void): Promise<void> {
    if (group.length === 0) return;
    const flagging = group.filter((p) => p.flagging?.changes.length);
    const alone = group.filter((p) => !p.flagging?.changes.length);
    const outcomes = await this.deps.store.commitMany(alone.map((p) => p.change));
    const together = [];
    for (const p of flagging) together.push(await commitWithFlags(this.deps.store, [p.change], p.flagging));
    const planned = [...alone, ...flagging];
    for (const [i, outcome] of [...outcomes, ...together].entries()) {
      const { result, again } = planned[i];
      if (outcome.committed) {
        run.counts[result.outcome] += 1;
      } else if (outcome.reason === 'stale-version') {
        try {
          run.counts[(await again()).outcome] += 1;
        } catch (error) {
          if (error instanceof StoreUnavailableError || error instanceof StoreIntegrityError) throw error;
          failed(result.approval.id, error);
        }
      } else {
        run.counts.skipped += 1;
      }
    }
  }

  async run(onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    return this.execute(await this.begin(), onProgress);
  }
}
