/**
 * Group commit: changes are written together, in one transaction, so they share its fsync. One group is
 * in flight at a time: the first is taken at the next setImmediate after a commit arrives (so the commits
 * of one turn of the event loop go together), and the changes that arrive while a group is being written
 * form the next, written as soon as that one has settled. Jobs are written in the order they came. Each
 * caller's promise settles when the transaction that held its changes has committed (or failed).
 */
import type { Job, JobOutcome, JobResult } from './sqliteCommit';

/** Changes written in one transaction at most; the jobs after them wait for the next group. */
const MAX_GROUP_CHANGES = 1000;

interface QueuedJob {
  job: Job;
  resolve: (outcome: JobOutcome) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: QueuedJob[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private inFlight: Promise<void> | null = null;

  /** `write` commits the jobs given in one transaction, or rejects having written none of them. */
  constructor(private readonly write: (jobs: Job[]) => Promise<JobResult[]>) {}

  /** What one caller's changes (a job) came to, once the transaction holding them has committed. */
  enqueue(job: Job): Promise<JobOutcome> {
    return new Promise<JobOutcome>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.inFlight) this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Waits for the group in flight, then writes everything queued (before closing). */
  async drain(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    while (this.inFlight || this.queue.length > 0) await (this.inFlight ?? this.writeGroup());
  }

  /** Rejects every job queued and not yet being written (the writer died). */
  rejectQueued(error: unknown): void {
    for (const queued of this.queue.splice(0)) queued.reject(error);
  }

  private flush(): void {
    this.scheduled = null;
    if (!this.inFlight && this.queue.length > 0) void this.writeGroup();
  }

  /** The jobs at the head of the queue, up to MAX_GROUP_CHANGES changes (at least one job), in one transaction. */
  private writeGroup(): Promise<void> {
    let changes = 0;
    let take = 0;
    while (take < this.queue.length && (take === 0 || changes + this.queue[take].job.changes.length <= MAX_GROUP_CHANGES)) {
      changes += this.queue[take].job.changes.length;
      take += 1;
    }
    const jobs = this.queue.splice(0, take);
    const settled = this.writeSafely(jobs.map((queued) => queued.job)).then((written) => {
      if ('error' in written) {
        for (const job of jobs) job.reject(written.error);
      } else {
        jobs.forEach((queued, i) => {
          const result = written.results[i];
          if ('error' in result) queued.reject(result.error);
          else queued.resolve(result);
        });
      }
      this.inFlight = null;
      // What arrived meanwhile is the next group.
      if (this.queue.length > 0) void this.writeGroup();
    });
    this.inFlight = settled;
    return settled;
  }

  private async writeSafely(jobs: Job[]): Promise<{ results: JobResult[] } | { error: unknown }> {
    try {
      return { results: await this.write(jobs) };
    } catch (error) {
      return { error };
    }
  }
}
