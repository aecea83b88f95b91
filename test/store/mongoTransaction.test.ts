/**
 * The MongoDB store's transaction runner and its server check, without a server: the runner is given a
 * stand-in session whose commits fail as the driver's do (the same error classes and labels), so what it
 * retries, how long, and what it reports are checked on every run. The MongoDB contract (mongo.test.ts)
 * runs it against a real replica set.
 */
import { MongoNetworkError, MongoServerError, MongoServerSelectionError, type MongoClient } from 'mongodb';
import { performance } from 'node:perf_hooks';
import { StoreIntegrityError, StoreUnavailableError } from '../../src/store/errors';
import { COMMIT_BUDGET_MS, WriteRace, runTransaction, transactionSupportProblem } from '../../src/store/mongoTransaction';

/** The parts of a ClientSession runTransaction uses, counting what it was asked to do. */
class FakeSession {
  active = false;
  started = 0;
  commits = 0;
  aborts = 0;
  ended = false;

  /** What each commit does in turn: throw the error, or succeed (undefined, and when the list runs out). */
  constructor(private readonly commitErrors: (Error | undefined)[] = []) {}

  startTransaction(): void {
    if (this.active) throw new Error('a transaction is already in progress');
    this.active = true;
    this.started += 1;
  }

  inTransaction(): boolean {
    return this.active;
  }

  async abortTransaction(): Promise<void> {
    this.active = false;
    this.aborts += 1;
  }

  async commitTransaction(): Promise<void> {
    this.active = false;
    this.commits += 1;
    const error = this.commitErrors.shift();
    if (error) throw error;
  }

  async endSession(): Promise<void> {
    this.ended = true;
  }
}

const clientOf = (session: FakeSession) => ({ startSession: () => session }) as unknown as MongoClient;

function serverError(code: number, codeName: string, labels: string[] = []): MongoServerError {
  const error = new MongoServerError({ ok: 0, code, codeName, errmsg: `${codeName} (test)` });
  for (const label of labels) error.addErrorLabel(label);
  return error;
}

const writeConflict = () => serverError(112, 'WriteConflict', ['TransientTransactionError']);
const duplicateKey = () => serverError(11000, 'DuplicateKey');
/** A commit whose answer was lost: the driver labels it so after its own retry. */
function commitUnknown(): MongoNetworkError {
  const error = new MongoNetworkError('connection closed');
  error.addErrorLabel('UnknownTransactionCommitResult');
  return error;
}
const soon = (ms: number) => performance.now() + ms;

/** A body that fails with the given errors in turn, then returns `result`; it counts its calls. */
function body<T>(result: T, errors: Error[] = []) {
  const fn = jest.fn(async () => {
    const error = errors.shift();
    if (error) throw error;
    return result;
  });
  return fn;
}

describe('runTransaction (the MongoDB store\'s commit transaction)', () => {
  it('runs the body again after a write conflict with another commit, and commits once', async () => {
    const session = new FakeSession();
    const run = body('done', [writeConflict(), writeConflict()]);
    await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).resolves.toBe('done');
    expect(run).toHaveBeenCalledTimes(3);
    expect(session).toMatchObject({ started: 3, aborts: 2, commits: 1, active: false, ended: true });
  });

  it('runs the body again after a duplicate key its reads did not see (a race), so the next reads see the winner', async () => {
    const session = new FakeSession();
    const run = body('refused properly', [duplicateKey(), new WriteRace('replaced nothing')]);
    await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).resolves.toBe('refused properly');
    expect(session).toMatchObject({ started: 3, aborts: 2, commits: 1 });
  });

  it('a duplicate key that comes back on every attempt is reported as a bug after a few, not retried until the deadline nor called unavailable', async () => {
    const session = new FakeSession();
    const run = jest.fn(async () => {
      throw duplicateKey();
    });
    const error = await runTransaction(clientOf(session), run, soon(60_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/bug/);
    expect((error as Error).cause).toBeInstanceOf(MongoServerError);
    expect(run).toHaveBeenCalledTimes(4);
    expect(session).toMatchObject({ commits: 0, aborts: 4, ended: true });
  });

  it('gives up with StoreUnavailableError (503, retry) when conflicts go on past the deadline, without waiting much beyond it', async () => {
    const session = new FakeSession();
    const run = jest.fn(async () => {
      throw writeConflict();
    });
    const started = performance.now();
    const error = await runTransaction(clientOf(session), run, soon(150)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(MongoServerError);
    expect(run.mock.calls.length).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(session).toMatchObject({ commits: 0, ended: true });
  });

  it('starts nothing when its deadline has already passed', async () => {
    const session = new FakeSession();
    const run = body('never');
    await expect(runTransaction(clientOf(session), run, performance.now() - 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(run).not.toHaveBeenCalled();
    expect(session).toMatchObject({ started: 0, ended: true });
  });

  it('commits again (without running the body again) when a commit\'s result is unknown', async () => {
    const session = new FakeSession([commitUnknown(), commitUnknown()]);
    const run = body('once');
    await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).resolves.toBe('once');
    expect(run).toHaveBeenCalledTimes(1);
    expect(session).toMatchObject({ started: 1, commits: 3, aborts: 0 });
  });

  it('a commit still unknown at the deadline is StoreUnavailableError saying it may have been recorded', async () => {
    const session = new FakeSession(Array.from({ length: 10_000 }, () => commitUnknown()));
    const error = await runTransaction(clientOf(session), body('maybe'), soon(100)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/may or may not have been recorded/);
    expect(session.started).toBe(1);
  });

  it('a commit that fails with TransientTransactionError runs the whole transaction again', async () => {
    const session = new FakeSession([writeConflict()]);
    const run = body('second time');
    await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).resolves.toBe('second time');
    expect(run).toHaveBeenCalledTimes(2);
    expect(session).toMatchObject({ started: 2, commits: 2 });
  });

  it('a broken chain or a bug in the body aborts the transaction and is passed on as it is, without a retry', async () => {
    for (const thrown of [new StoreIntegrityError('broken', { firstBrokenSeq: 3 }), new TypeError('a bug')]) {
      const session = new FakeSession();
      const run = body('never', [thrown]);
      await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).rejects.toBe(thrown);
      expect(run).toHaveBeenCalledTimes(1);
      expect(session).toMatchObject({ started: 1, aborts: 1, commits: 0, ended: true });
    }
  });

  it('no server to be found is StoreUnavailableError at once, not retried inside the budget', async () => {
    const session = new FakeSession();
    const run = body('never', [new MongoServerSelectionError('no primary', {} as never)]);
    await expect(runTransaction(clientOf(session), run, soon(COMMIT_BUDGET_MS))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('a commit refused for a reason that is not transient (no majority can be reached) is StoreUnavailableError, not retried', async () => {
    const session = new FakeSession([serverError(100, 'UnsatisfiableWriteConcern')]);
    await expect(runTransaction(clientOf(session), body('x'), soon(COMMIT_BUDGET_MS))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(session).toMatchObject({ started: 1, commits: 1 });
  });
});

describe('transactionSupportProblem (init refuses servers that cannot run transactions)', () => {
  it('a replica set member and a mongos can run the store', () => {
    expect(transactionSupportProblem({ isWritablePrimary: true, setName: 'rs0', hosts: ['db1:27017'] })).toBeUndefined();
    expect(transactionSupportProblem({ ismaster: true, setName: 'rs0' })).toBeUndefined();
    expect(transactionSupportProblem({ isWritablePrimary: true, msg: 'isdbgrid' })).toBeUndefined();
  });

  it('a standalone server is refused with how to make it a one-node replica set', () => {
    const problem = transactionSupportProblem({ isWritablePrimary: true, maxWireVersion: 21, ok: 1 });
    expect(problem).toMatch(/needs a replica set/);
    expect(problem).toMatch(/--replSet rs0/);
    expect(problem).toMatch(/rs\.initiate\(\)/);
    expect(transactionSupportProblem({ ismaster: true, setName: '' })).toMatch(/needs a replica set/);
  });

  it('a member started with --replSet whose set is not initiated is told to run rs.initiate()', () => {
    const problem = transactionSupportProblem({ isWritablePrimary: false, secondary: false, isreplicaset: true, info: 'Does not have a valid replica set config' });
    expect(problem).toMatch(/not initiated/);
    expect(problem).toMatch(/rs\.initiate\(\)/);
  });
});
