import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { hostname } from 'node:os';
import { RecheckBatch, BatchBusyError } from './approvals/batch';
import { Rechecker } from './approvals/recheck';
import { ApprovalService } from './approvals/service';
import { loadAuditSigner } from './audit/signing';
import { combineAuthenticators, createJwtAuthenticator, ensureGeneratedTokens, loadTokensFile, type Authenticator } from './auth';
import { ConfigError, loadConfig, type Config } from './config';
import { createApp } from './http/app';
import { HttpProblem } from './http/problem';
import { RulesCatalogue } from './rules/catalogue';
import { checkRulesTree, noRulesetsMessage } from './rules/validate';
import { createRecordStore, type RecordStore } from './approvals/records';
import { openStore, recordIntegrity } from './storeOpening';
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

/** Requests Node rejects before express sees them (oversized headers, garbage, too slow) still get problem+json with a code. */
export function answerRejectedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers-too-large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request-timeout' : 'malformed-request';
    const { status, title, type } = new HttpProblem(code);
    const body = JSON.stringify({ type, title, status });
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
  answerRejectedRequests(server);
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
