/**
 * Group commit: changes that arrive in the same turn of the event loop are written together, in one
 * transaction at the next setImmediate, so they share its fsync. Each caller's promise settles when the
 * transaction that held its changes has committed (or failed).
 */
import type { JobResult } from './sqliteCommit';
import type { PreparedChange } from './sqliteRows';
import type { CommitOutcome } from './types';

/** Changes written in one transaction at most; the jobs after them wait for the next turn. */
const MAX_GROUP_CHANGES = 1000;

interface QueuedJob {
  changes: PreparedChange[];
  resolve: (outcomes: CommitOutcome[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: QueuedJob[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  /** `write` commits the jobs given in one transaction, or throws having written none of them. */
  constructor(private readonly write: (jobs: PreparedChange[][]) => JobResult[]) {}

  /** The outcomes of one caller's changes (a job), in order, once they are committed. */
  enqueue(changes: PreparedChange[]): Promise<CommitOutcome[]> {
    return new Promise<CommitOutcome[]>((resolve, reject) => {
      this.queue.push({ changes, resolve, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes everything queued now (before closing). */
  drain(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    while (this.queue.length > 0) this.writeGroup();
  }

  private flush(): void {
    this.scheduled = null;
    this.writeGroup();
    if (this.queue.length > 0) this.scheduled = setImmediate(() => this.flush());
  }

  /** The jobs at the head of the queue, up to MAX_GROUP_CHANGES changes (at least one job), in one transaction. */
  private writeGroup(): void {
    let changes = 0;
    let take = 0;
    while (take < this.queue.length && (take === 0 || changes + this.queue[take].changes.length <= MAX_GROUP_CHANGES)) {
      changes += this.queue[take].changes.length;
      take += 1;
    }
    const jobs = this.queue.splice(0, take);
    let results: JobResult[];
    try {
      results = this.write(jobs.map((job) => job.changes));
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const result = results[i];
      if ('error' in result) job.reject(result.error);
      else job.resolve(result.outcomes);
    });
  }
}
