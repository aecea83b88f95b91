import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { hostname } from 'node:os';
import { RecheckBatch, BatchBusyError } from './approvals/batch';
import { Rechecker } from './approvals/recheck';
import { RecordIntegrity } from './approvals/integrity';
import { ApprovalService } from './approvals/service';
import { loadAuditSigner, type AuditSigner } from './audit/signing';
import { combineAuthenticators, createJwtAuthenticator, ensureGeneratedTokens, loadTokensFile, type Authenticator } from './auth';
import { ConfigError, loadConfig, type Config } from './config';
import { createApp } from './http/app';
import { RulesCatalogue } from './rules/catalogue';
import { checkRulesTree, noRulesetsMessage } from './rules/validate';
import { createRecordStore } from './approvals/records';
import { StoreIntegrityError, StoreUnavailableError } from './store/errors';
import type { CommitOutcome } from './store/types';
import type { RecordStore } from './approvals/records';
import { systemClock, type Clock } from './time/clock';

export interface RunningService {
  server: Server;
  store: RecordStore;
  port: number;
  close(): Promise<void>;
}

async function buildAuthenticator(config: Config, logger: Logger): Promise<Authenticator> {
  const authenticators: Authenticator[] = [];
  if (config.auth.tokensFile) authenticators.push(loadTokensFile(config.auth.tokensFile));
  if (config.auth.jwt) {
    const jwt = config.auth.jwt;
    authenticators.push(
      await createJwtAuthenticator({
        issuer: jwt.issuer,
        audience: jwt.audience,
        jwksUrl: jwt.jwksUrl,
        publicKeyPem: jwt.publicKeyFile ? readFileSync(jwt.publicKeyFile, 'utf8') : undefined,
        roleClaim: jwt.roleClaim,
        tilsynClaim: jwt.tilsynClaim,
        maxLifetimeMinutes: jwt.maxLifetimeMinutes,
      }),
    );
  }
  if (authenticators.length === 0) {
    const generated = ensureGeneratedTokens(config.dataDir);
    if (generated.generated) {
      logger.warn({ tokensFile: generated.tokensFile }, 'no authentication configured: generated one token per role; read them from this file (owner-only) and keep them safe');
      console.log(`Adgangstokens er skrevet til ${generated.tokensFile} (kun læsbar for ejeren).`);
    } else {
      logger.info({ tokensFile: generated.tokensFile }, 'using the tokens generated at first start');
    }
    authenticators.push(generated.authenticator);
  }
  for (const a of authenticators) logger.info({ auth: a.describe() }, 'authentication');
  return combineAuthenticators(...authenticators);
}

/** The whole header block must arrive within this; a client trickling headers holds no connection longer. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this (a 1 MiB body at 20 KB/s); Node answers 408 after. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Bound how long a slow client can hold a connection before its request is complete (and before authentication). */
export function limitSlowClients(server: Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
}

/** Pause between attempts to open a store that was unavailable at start. */
export const STORE_RETRY_MS = 2_000;

interface OpeningStore {
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
async function openStore(store: RecordStore, logger: Logger, onOpen: () => Promise<void>, retryMs = STORE_RETRY_MS): Promise<OpeningStore> {
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

/** The service cannot start, for a reason one line tells the operator (printed as it is, exit 1). */
export class StartRefusedError extends Error {
  override readonly name = 'StartRefusedError';
}

/**
 * Listen on the port, or refuse with one line naming it. Express 5's app.listen hands a listen error
 * to its callback, so the callback must not take every call for success.
 */
function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'EADDRINUSE' ? 'er allerede i brug af en anden proces' : error.code === 'EACCES' ? 'må ikke bruges af denne proces' : `kan ikke bruges (${error.code ?? error.message})`;
    throw new StartRefusedError(`PORT ${port} på ${host} ${why}; vælg en anden port (PORT) eller stop den anden proces`);
  });
}

/** A host to put in a URL: a wildcard address is reached as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Start the service: validated configuration, valid rules, a store (open, or opening in the background), then the listener. */
export async function startService(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<RunningService> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'specialfunktion' } });
  const clock = options.clock ?? systemClock;

  const { rulesets, problems } = checkRulesTree(config.rulesDir);
  if (problems.length > 0) {
    throw new ConfigError(problems.map((p) => `RULES_DIR: ${p.file}:${p.pointer}: ${p.message}`));
  }
  if (rulesets.length === 0) throw new StartRefusedError(noRulesetsMessage(config.rulesDir));
  const rules = new RulesCatalogue(rulesets.map((r) => r.ruleset));

  const signing = loadAuditSigner({ keyFile: config.auditSigningKeyFile, dataDir: config.dataDir });
  if (signing.generated) logger.warn({ keyFile: signing.file }, 'no AUDIT_SIGNING_KEY_FILE: generated an audit signing key (owner-only); instances sharing a store should share one key');
  const rawStore = createRecordStore({ mongodbUri: config.mongodbUri, mongodbDb: config.mongodbDb, dataDir: config.dataDir });
  const integrity = recordIntegrity(rawStore, clock, signing.signer, logger);
  const verifyAtOpen = async () => {
    const { report } = await integrity.verify();
    if (report.status === 'ok') logger.info({ entries: report.entries, approvals: report.approvals, auditHead: report.head ? signing.signer.sign(report.head) : null }, 'record verified');
  };
  const opening = await openStore(rawStore, logger, verifyAtOpen);
  const store = integrity.guard(opening.store);
  integrity.schedule(config.auditVerifyIntervalMinutes, (error) => logger.warn({ err: { message: (error as Error).message } }, 'periodic record check could not run'));
  const authenticator = await buildAuthenticator(config, logger);
  const service = new ApprovalService({ store, rules, clock });
  const rechecker = new Rechecker({ store, rules, clock });
  const batch = new RecheckBatch({ store, rules, clock, rechecker, holder: `${hostname()}:${process.pid}` });
  const app = createApp({ service, rules, store, authenticator, logger, clock, rechecker, batch, integrity, signer: signing.signer, decisionTexts: config.decisionTexts, publicRateLimitPerMinute: config.publicRateLimitPerMinute, trustProxy: config.trustProxy });

  let server: Server;
  try {
    server = await listen(app, config.port, config.host);
  } catch (error) {
    integrity.stop();
    await opening.stop();
    await store.close().catch(() => undefined);
    throw error;
  }
  limitSlowClients(server);
  // Requests Node rejects before express sees them (oversized headers, garbage) still get problem+json.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    const body = JSON.stringify({ type: `https://specialfunktion.dk/problems/${status}`, title, status });
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const docs = `http://${displayHost(config.host)}:${port}/docs`;
  logger.info({ port, docs, store: config.mongodbUri ? 'mongodb' : 'embedded', storeOpen: opening.isOpen(), specialer: rules.specialer().length }, 'listening');

  // The scheduler: a batch run every N minutes; with several instances the lease lets one run at a time.
  let batchInFlight: Promise<unknown> | undefined;
  const scheduler =
    config.recheckIntervalMinutes > 0
      ? setInterval(() => {
          if (batchInFlight) return;
          batchInFlight = batch
            .run()
            .then((run) => logger.info({ runId: run.id, counts: run.counts, status: run.status, failures: run.failureCount ?? 0, ms: run.durationMs }, 're-check run ended'))
            .catch((error: unknown) => {
              if (!(error instanceof BatchBusyError)) logger.error({ err: { message: (error as Error).message } }, 're-check run failed');
            })
            .finally(() => (batchInFlight = undefined));
        }, config.recheckIntervalMinutes * 60_000)
      : undefined;
  scheduler?.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      if (scheduler) clearInterval(scheduler);
      integrity.stop();
      // Scheduled and HTTP-started runs alike stop between two approvals; the next run goes on from there.
      await batch.stop();
      await batchInFlight;
      // Stop accepting, let in-flight requests finish, then close the store.
      await new Promise<void>((resolve) => {
        // Keep-alive connections become idle as their last request finishes; close them as they do,
        // rather than waiting out the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      await opening.stop();
      await store.close();
    })();
    return closing;
  };
  return { server, store, port, close };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'specialfunktion' } });
  let running: RunningService;
  try {
    running = await startService(config, { logger });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartRefusedError) console.error(error.message);
    else logger.fatal({ err: { type: (error as Error)?.constructor?.name, message: (error as Error)?.message } }, 'could not start');
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: { message: (error as Error)?.message } }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) void main();
