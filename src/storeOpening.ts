/**
 * Opening the record for a process that serves it: the store, closed off behind a gate while it cannot be
 * reached (retried in the background) or is damaged (not used at all), and the record's integrity with
 * what the process logs about it.
 */
import type { Logger } from 'pino';
import { RecordIntegrity } from './approvals/integrity';
import type { RecordStore } from './approvals/records';
import type { AuditSigner } from './audit/signing';
import { StoreIntegrityError, StoreUnavailableError } from './store/errors';
import type { CommitOutcome } from './store/types';
import type { Clock } from './time/clock';

/** Pause between attempts to open a store that was unavailable at start. */
export const STORE_RETRY_MS = 2_000;

export interface OpeningStore {
  /** The store; until it is open, every operation on it rejects at once with StoreUnavailableError. */
  store: RecordStore;
  isOpen(): boolean;
  /** Stops the background attempts and waits for one in progress. */
  stop(): Promise<void>;
}

/**
 * Open the store. If it is unavailable at start (database down, data directory not writable) the
 * service starts anyway: /health answers, /ready and everything that needs the store answer 503, and
 * store.init() is tried again in the background every STORE_RETRY_MS until it succeeds. Until then the
 * store is closed off behind a gate, so no request uses a store whose indexes (unique ids, the audit
 * log's seq) may not exist yet. Any other failure (a bug, a refused login) stops the start.
 */
export async function openStore(store: RecordStore, logger: Logger, onOpen: () => Promise<void>, retryMs = STORE_RETRY_MS): Promise<OpeningStore> {
  try {
    await store.init();
    await onOpen();
    return { store, isOpen: () => true, stop: async () => undefined };
  } catch (error) {
    if (error instanceof StoreIntegrityError) return damagedStore(store, error, logger);
    if (!(error instanceof StoreUnavailableError)) throw error;
    logger.warn({ err: { message: error.message }, retryMs }, 'store unavailable at start; serving 503 and retrying in the background');
  }
  let open = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  const retry = () => {
    timer = undefined;
    attempt = store.init().then(onOpen).then(
      () => {
        open = true;
        logger.info('store is available again; serving');
      },
      (error: unknown) => {
        const err = { type: (error as Error)?.constructor?.name, message: (error as Error)?.message };
        if (error instanceof StoreUnavailableError) logger.warn({ err, retryMs }, 'store still unavailable');
        else logger.error({ err, retryMs }, 'store could not be opened');
        if (!stopped) {
          timer = setTimeout(retry, retryMs);
          timer.unref();
        }
      },
    );
  };
  timer = setTimeout(retry, retryMs);
  timer.unref();
  const unavailable = () => new StoreUnavailableError('The store has not been opened yet; retrying in the background');
  const gated = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'init' || property === 'close' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        if (open) return (value as (...a: unknown[]) => unknown).apply(target, args);
        if (property === 'findApprovals') {
          return {
            [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(unavailable()) }),
          };
        }
        return Promise.reject(unavailable());
      };
    },
  });
  return {
    store: gated,
    isOpen: () => open,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await attempt;
    },
  };
}

/**
 * A store whose data is damaged is not used at all: the service listens, /health answers, and /ready and
 * everything that needs the store answer 503 store-integrity naming the damage. Not retried: waiting does
 * not mend a file; an operator restores the latest backup.
 */
function damagedStore(store: RecordStore, error: StoreIntegrityError, logger: Logger): OpeningStore {
  logger.error(
    { err: { type: error.name, message: error.message, ...error.details } },
    'the store is damaged and is not used; stop the service, copy the latest backup (npm run backup) over the database file, start again and check GET /v1/audit/verify',
  );
  const refuse = () => Promise.reject(error);
  const gated = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close' || property === 'constructor') return value;
      if (property === 'findApprovals') return () => ({ [Symbol.asyncIterator]: () => ({ next: refuse }) });
      return refuse;
    },
  });
  return { store: gated, isOpen: () => false, stop: async () => undefined };
}

const DECISIONS = new Set(['approval.approved', 'approval.rejected', 'approval.revoked', 'approval.renewed', 'approval.assigned']);

/**
 * Integrity of the record for a process that writes to it: the full check's last result, writes refused
 * while it is in doubt, an error log line when it is, and the signed head logged after every decision
 * (and after every batch of re-checks), so log shipping keeps copies of the heads off the machine.
 */
export function recordIntegrity(store: RecordStore, clock: Clock, signer: AuditSigner, logger: Logger): RecordIntegrity {
  return new RecordIntegrity(store, clock, {
    onDegraded: (report) => logger.error({ integrity: report }, 'the record is in doubt: decisions and other writes are refused until an operator has examined it (GET /v1/audit/verify)'),
    onDamaged: (record) =>
      logger.error({ damagedRecord: record }, 'a stored record is damaged and cannot be read; restore it from the latest backup (npm run backup) with the service stopped'),
    onCommitted: (outcomes: CommitOutcome[]) => {
      const committed = outcomes.flatMap((o) => (o.committed ? [o.entry] : []));
      const last = committed[committed.length - 1];
      if (!last || (outcomes.length === 1 && !DECISIONS.has(last.action))) return;
      logger.info({ auditHead: signer.sign({ seq: last.seq, hash: last.hash, at: last.at }) }, 'audit head');
    },
  });
}
