/**
 * Multi-document transactions for the MongoDB store: which servers can run them, and one transaction
 * run to the end within a time budget.
 *
 * runTransaction follows the driver's ClientSession.withTransaction (the "convenient transactions" spec:
 * run the body again on TransientTransactionError, commit again on UnknownTransactionCommitResult), but
 * with a deadline of our own: the installed driver (7.x) ignores withTransaction's timeoutMS and keeps
 * retrying for 120 s, far longer than an HTTP request should wait for a 503.
 */
import { performance } from 'node:perf_hooks';
import { MongoError, ReadPreference, WriteConcern, type ClientSession, type Document, type MongoClient, type TransactionOptions } from 'mongodb';
import { StoreUnavailableError } from './errors';
import { isDuplicateKey, mapError, violatesLiveUnique } from './mongoErrors';

/** How long one commit transaction may take, every retry included. */
export const COMMIT_BUDGET_MS = 5000;

/**
 * A transaction body that meets a duplicate key (or a compare-and-set that matches nothing) its own reads
 * said could not be there runs again, and its reads then see the other writer. Meeting one again and again
 * means the reads cannot see what the index sees: a bug, not a race.
 */
const MAX_WRITE_RACES = 3;

/**
 * Snapshot reads, so every read of an attempt sees one state of the database; majority + journal on
 * commit, so what a caller is told was committed survives a fail-over (and a read-only transaction that
 * commits this way is known to have read majority-committed data); primary, as transactions require.
 */
export const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: new WriteConcern('majority', COMMIT_BUDGET_MS, true),
  readPreference: ReadPreference.primary,
};

/** Thrown by a transaction body when a write found the database other than its reads did: run it again. */
export class WriteRace extends Error {
  override readonly name = 'WriteRace';
}

/**
 * Runs `body` in a transaction until it commits, it fails for a reason that retrying cannot mend, or
 * `deadline` (a performance.now() time) passes: then StoreUnavailableError. Every operation in `body`
 * must pass `{ session }` and be awaited in turn (the driver does not support parallel operations in a
 * transaction). `body` may run several times; it must build its result afresh each time.
 */
export async function runTransaction<T>(client: MongoClient, body: (session: ClientSession) => Promise<T>, deadline: number): Promise<T> {
  const session = client.startSession();
  let lastError: unknown;
  let races = 0;
  try {
    attempts: for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await backOff(attempt, deadline, lastError);
      else if (performance.now() >= deadline) throw gaveUp(0, lastError);
      session.startTransaction(TRANSACTION_OPTIONS);
      let result: T;
      try {
        result = await body(session);
      } catch (error) {
        // The server has usually aborted already; the driver ignores an abort that fails.
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        if (hasLabel(error, 'TransientTransactionError')) {
          lastError = error;
          continue attempts;
        }
        if (isDuplicateKey(error) || error instanceof WriteRace) {
          lastError = error;
          if (++races > MAX_WRITE_RACES) throw persistentRace(error);
          continue attempts;
        }
        throw mapError(error);
      }
      for (;;) {
        try {
          await session.commitTransaction();
          return result;
        } catch (error) {
          lastError = error;
          if (hasLabel(error, 'UnknownTransactionCommitResult') && !isMaxTimeMsExpired(error)) {
            // The commit may or may not have happened; committing again is safe (the server answers for the
            // same transaction). Past the deadline the caller must be told we do not know.
            if (performance.now() >= deadline) {
              throw new StoreUnavailableError(
                `MongoDB did not confirm the commit within ${COMMIT_BUDGET_MS} ms, so it may or may not have been recorded: read before trying again (${(error as Error).message})`,
                { cause: error },
              );
            }
            await sleep(backOffMs(attempt));
            continue;
          }
          if (hasLabel(error, 'TransientTransactionError')) continue attempts;
          throw mapError(error);
        }
      }
    }
  } finally {
    await session.endSession().catch(() => undefined);
  }
}

/** Why this server cannot run the store's transactions, from its `hello` (or `isMaster`) reply; undefined when it can. */
export function transactionSupportProblem(hello: Document): string | undefined {
  if (hello.msg === 'isdbgrid') return undefined; // mongos: a sharded cluster
  if (typeof hello.setName === 'string' && hello.setName.length > 0) return undefined;
  if (hello.isreplicaset === true) {
    return 'The MongoDB server was started as a replica set member (--replSet), but the replica set is not initiated yet: run rs.initiate() once in mongosh, then start again.';
  }
  return (
    'The MongoDB store needs a replica set (or a sharded cluster): it commits every change together with its audit entry in a ' +
    'multi-document transaction, which a standalone server cannot run. A one-node replica set is enough for a single machine: ' +
    "start mongod with --replSet rs0, run rs.initiate() once in mongosh, and connect with 'mongodb://host:27017/?replicaSet=rs0'."
  );
}

function hasLabel(error: unknown, label: string): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}

function isMaxTimeMsExpired(error: unknown): boolean {
  const { code, writeConcernError } = error as { code?: unknown; writeConcernError?: { code?: unknown } };
  return Number(code) === 50 || Number(writeConcernError?.code) === 50;
}

/** As the driver's withTransaction: a random share of 5 ms × 1.5^attempt, at most 500 ms. */
function backOffMs(attempt: number): number {
  return Math.random() * Math.min(5 * 1.5 ** attempt, 500);
}

async function backOff(attempt: number, deadline: number, lastError: unknown): Promise<void> {
  const ms = backOffMs(attempt);
  if (performance.now() + ms >= deadline) throw gaveUp(attempt - 1, lastError);
  await sleep(ms);
}

function gaveUp(attempts: number, lastError: unknown): StoreUnavailableError {
  const why = attempts === 0 ? 'no time was left to start it' : `${attempts} attempt(s); last error: ${(lastError as Error)?.message ?? String(lastError)}`;
  return new StoreUnavailableError(`MongoDB could not commit within ${COMMIT_BUDGET_MS} ms (${why})`, { cause: lastError });
}

function persistentRace(error: unknown): Error {
  const what = isDuplicateKey(error) ? (violatesLiveUnique(error) ? 'a second approval in force' : 'a duplicate id') : 'an approval version';
  return new Error(`The MongoDB store met ${what} that its reads in the same transaction did not see, ${MAX_WRITE_RACES + 1} times: a bug in the store`, {
    cause: error,
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
