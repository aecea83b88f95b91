/**
 * Group commit: changes that arrive in the same turn of the event loop are written together, in one
 * transaction at the next setImmediate, so they share its fsync. Each caller's promise settles when the
 * transaction that held its changes has committed (or failed).
 */
import type { Job, JobOutcome, JobResult } from './sqliteCommit';

/** Changes written in one transaction at most; the jobs after them wait for the next turn. */
const MAX_GROUP_CHANGES = 1000;

interface QueuedJob {
  job: Job;
  resolve: (outcome: JobOutcome) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: QueuedJob[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  /** `write` commits the jobs given in one transaction, or throws having written none of them. */
  constructor(private readonly write: (jobs: Job[]) => JobResult[]) {}

  /** What one caller's changes (a job) came to, once the transaction holding them has committed. */
  enqueue(job: Job): Promise<JobOutcome> {
    return new Promise<JobOutcome>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
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
    while (take < this.queue.length && (take === 0 || changes + this.queue[take].job.changes.length <= MAX_GROUP_CHANGES)) {
      changes += this.queue[take].job.changes.length;
      take += 1;
    }
    const jobs = this.queue.splice(0, take);
    let results: JobResult[];
    try {
      results = this.write(jobs.map((queued) => queued.job));
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((queued, i) => {
      const result = results[i];
      if ('error' in result) queued.reject(result.error);
      else queued.resolve(result);
    });
  }
}
