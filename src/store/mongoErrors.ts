/**
 * What a MongoDB driver error means for the store: the database cannot be reached right now
 * (StoreUnavailableError, 503 and retry), a unique index refused a write, or anything else (a bug).
 */
import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { StoreUnavailableError } from './errors';

/** The partial unique index over approvals in force (see MongoStore.init). */
export const LIVE_UNIQUE = 'live_unique';

const DUPLICATE_KEY = 11000;

/** Server error codes meaning "no usable primary / shutting down / timed out", i.e. try again later. */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed / WriteConcernTimeout
  89, // NetworkTimeout
  91, // ShutdownInProgress
  100, // UnsatisfiableWriteConcern (not enough members up for w: majority)
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Pool errors the driver does not export: the pool was closed under an operation, or no connection came free in time. */
const UNAVAILABLE_DRIVER_ERRORS = new Set(['MongoPoolClosedError', 'MongoWaitQueueTimeoutError']);

/** DNS answers that mean "try again later" for a mongodb+srv:// URI; the driver passes Node's own errors through. */
const DNS_FAILURES = new Set(['ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED', 'EAI_AGAIN', 'ECONNRESET', 'ECANCELLED']);

function isDnsFailure(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof syscall === 'string' && syscall.startsWith('query') && DNS_FAILURES.has(String(code));
}

export function isUnavailableError(error: unknown): boolean {
  if (isDnsFailure(error)) return true;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoWriteConcernError
  ) {
    return true;
  }
  if (error instanceof MongoError) {
    if (UNAVAILABLE_DRIVER_ERRORS.has(error.name)) return true;
    if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('SystemOverloadedError')) return true;
    const code = Number(error.code);
    return UNAVAILABLE_CODES.has(code);
  }
  return false;
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY;
}

/** Whether a duplicate-key error came from live_unique rather than an id index (servers before 4.4 send no keyPattern). */
export function violatesLiveUnique(error: unknown): boolean {
  const { keyPattern, errmsg, message } = error as { keyPattern?: Record<string, unknown>; errmsg?: unknown; message?: unknown };
  if (keyPattern) return 'provider.tilbudId' in keyPattern && 'level' in keyPattern;
  return new RegExp(`index: ${LIVE_UNIQUE}\\b`).test(String(errmsg ?? message));
}

export function mapError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isUnavailableError(error)) return new StoreUnavailableError(`MongoDB is unavailable: ${(error as Error).message}`, { cause: error });
  return error;
}

/** Runs a driver call, turning "cannot reach the database" failures into StoreUnavailableError. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw mapError(error);
  }
}
