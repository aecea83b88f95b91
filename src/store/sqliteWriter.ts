/**
 * The main thread's side of the SQLite store's writer thread (sqliteWriterThread.ts): hands it one group
 * of jobs at a time and settles with what its transaction came to once its COMMIT has returned. The
 * thread starts at the first group (and again after one died); it keeps the process alive only while a
 * group is in flight, so an idle open store does not, and a process awaiting a commit does.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from './errors';
import type { Job, JobResult } from './sqliteCommit';
import type { FileIdentity } from './sqliteDatabase';
import { rebuiltError, type FromWriter, type ToWriter, type WorkerData } from './sqliteWriterMessages';
import type { TransactionObserver } from './types';

/** See the top of sqliteWriterThread.ts: a Worker cannot load a .ts file. */
const THREAD_SCRIPT = __filename.endsWith('.ts')
  ? path.resolve(__dirname, '../../dist/src/store/sqliteWriterThread.js')
  : path.join(__dirname, 'sqliteWriterThread.js');

interface InFlight {
  resolve: (results: JobResult[]) => void;
  reject: (error: unknown) => void;
}

export class SqliteWriter {
  private thread: Worker | null = null;
  private inFlight: InFlight | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly options: {
      onTransaction?: TransactionObserver;
      /** The file the store's own connection has open (and checked when it opened it), if any. */
      checkedIdentity: () => FileIdentity | undefined;
      /** Called when the thread died (not when closed): the group in flight has been rejected with `error`. */
      onDeath: (error: StoreUnavailableError) => void;
    },
  ) {}

  /** Commits the jobs in one transaction on the writer thread; one group at a time. */
  commit(jobs: Job[]): Promise<JobResult[]> {
    if (this.inFlight) return Promise.reject(new Error('the writer thread takes one group at a time'));
    const thread = this.thread ?? this.start();
    return new Promise<JobResult[]>((resolve, reject) => {
      thread.postMessage({ type: 'commit', jobs } satisfies ToWriter);
      this.inFlight = { resolve, reject };
      thread.ref();
    });
  }

  /** Stops the thread (after the group in flight, which the caller awaits first) and closes its connection. */
  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = null;
    thread.ref();
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage({ type: 'close' } satisfies ToWriter);
    await exited;
  }

  /** Test hook: ends the thread abruptly, as a crash would. */
  terminateThreadForTest(): Promise<number> | undefined {
    return this.thread?.terminate();
  }

  private start(): Worker {
    const checked = this.options.checkedIdentity();
    const thread = new Worker(THREAD_SCRIPT, { workerData: { dataDir: this.dataDir, ...(checked ? { checked } : {}) } satisfies WorkerData });
    thread.unref();
    let failure: Error | undefined;
    thread.on('message', (message: FromWriter) => this.settle(thread, message));
    thread.on('messageerror', (error) => (failure = error));
    thread.on('error', (error) => (failure = error));
    thread.on('exit', (code) => {
      if (this.thread !== thread) return;
      this.thread = null;
      const error = new StoreUnavailableError(
        `The store's writer thread stopped (exit code ${code}${failure ? `: ${failure.message}` : ''}); the changes in flight were not acknowledged`,
        { cause: failure },
      );
      this.inFlight?.reject(error);
      this.inFlight = null;
      this.options.onDeath(error);
    });
    this.thread = thread;
    return thread;
  }

  private settle(thread: Worker, message: FromWriter): void {
    const pending = this.inFlight;
    this.inFlight = null;
    thread.unref();
    if (!pending) return;
    if (message.type === 'failed') {
      pending.reject(rebuiltError(message.error));
      return;
    }
    pending.resolve(message.results.map((result) => ('error' in result ? { error: rebuiltError(result.error) } : result)));
    this.options.onTransaction?.(message.transaction);
  }
}
