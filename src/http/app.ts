import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { RecheckBatch } from '../approvals/batch';
import type { RecordIntegrity } from '../approvals/integrity';
import type { AuditSigner } from '../audit/signing';
import type { Rechecker } from '../approvals/recheck';
import type { ApprovalService } from '../approvals/service';
import type { Authenticator } from '../auth';
import { requireAuth } from './authentication';
import type { RulesCatalogue } from '../rules/catalogue';
import { StoreIntegrityError } from '../store/errors';
import type { RecordStore } from '../approvals/records';
import type { LocationLookup } from '../providers/location';
import type { Clock } from '../time/clock';
import { defaultDecisionTexts, type DecisionTexts } from '../decisions/texts';
import { errorHandler, notFoundHandler, storeIntegrityProblem } from './errors';
import { openapiDocument, openapiYaml } from './openapi';
import { HttpProblem } from './problem';
import { publicRateLimit } from './rateLimit';
import { accessLog, requestId } from './requestContext';
import { approvalRoutes } from './routes/approvals';
import { advisoryAssignmentRoutes } from './routes/advisoryAssignments';
import { auditHeadRoutes, auditRoutes } from './routes/audit';
import { criteriaRoutes } from './routes/criteria';
import { vocabularyRoutes } from './routes/vocabularies';
import { decisionRoutes } from './routes/decisions';
import { evaluationListRoutes } from './routes/evaluationList';
import { evaluationRoutes } from './routes/evaluations';
import { impactRoutes } from './routes/impact';
import { capacityRoutes, registerRoutes } from './routes/publicData';
import { providerRoutes } from './routes/providers';
import { recheckRoutes } from './routes/rechecks';
import { replayRoutes } from './routes/replay';
import { queryMatchesContract } from './routes/query';
import { worklistRoutes } from './routes/worklist';
import { refuseUnsupportedCharset } from './charset';
import { refuseUndocumentedMethods } from './methods';
import { limitJsonDepth, refuseCprInBody, refuseCprInPathAndQuery } from './validation';

export interface AppDeps {
  service: ApprovalService;
  rules: RulesCatalogue;
  store: RecordStore;
  authenticator: Authenticator;
  logger: Logger;
  clock: Clock;
  rechecker: Rechecker;
  batch: RecheckBatch;
  integrity: RecordIntegrity;
  signer: AuditSigner;
  /** Legal basis, duties and klagevejledning of the written decisions (DECISION_TEXTS_FILE); default: the illustrative texts. */
  decisionTexts?: DecisionTexts;
  /** Municipality → region and socialtilsyn for the provider register's moves and reassignments; default: the shipped data. */
  geography?: LocationLookup;
  /** Requests per client and minute on the public routes (PUBLIC_RATE_LIMIT_PER_MINUTE); absent or 0: no limit. */
  publicRateLimitPerMinute?: number;
  /** Express's `trust proxy` (TRUST_PROXY), so the client's address is seen behind a load balancer; default false. */
  trustProxy?: boolean | number | string;
}

export const BODY_LIMIT = '1mb';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The REST service: public criteria and health first, then everything else behind a bearer token. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(requestId);
  // Conditional GETs are answered for resources that carry an ETag; "If-None-Match: *" names none.
  app.use((req, _res, next) => {
    if (req.headers['if-none-match']?.trim() === '*') delete req.headers['if-none-match'];
    next();
  });
  app.use(helmet());
  app.use(accessLog(deps.logger));
  // Before every route, health and the contract included: a CPR number in the path or query is never answered 2xx.
  app.use(refuseCprInPathAndQuery);
  if (deps.publicRateLimitPerMinute) app.use(publicRateLimit(deps.publicRateLimitPerMinute));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness takes an instance out of a load balancer: a store that cannot be used (unreachable, or its
  // file damaged) is 503; a record in doubt is still 200, since reads go on, but says `degraded` and why.
  app.get('/ready', async (_req, res) => {
    const versions = deps.rules.specialer().reduce((n, s) => n + s.versions.length, 0);
    try {
      await deps.store.ping();
    } catch (error) {
      if (error instanceof StoreIntegrityError) throw storeIntegrityProblem(error);
      throw new HttpProblem('store-unavailable', 'Datalageret svarer ikke', { headers: { 'Retry-After': '5' } });
    }
    if (versions === 0) throw new HttpProblem('no-rulesets-loaded', 'Ingen regelsæt er indlæst', { headers: { 'Retry-After': '5' } });
    const integrity = deps.integrity.last();
    res.json({ status: integrity.status === 'degraded' ? 'degraded' : 'ready', store: 'ok', integrity, rules: { specialer: deps.rules.specialer().length, versions } });
  });

  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml; charset=utf-8').send(openapiYaml());
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapiDocument(), {
    customSiteTitle: 'Specialfunktioner – API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  }));

  // The public routes (GET only) come before authentication; every other /v1 route checks the token
  // before its body is read, parsed or scanned for CPR numbers: an anonymous body costs nothing.
  // An unknown query parameter is a 400 and an undocumented method a 405 (openapi.yaml lists the known
  // ones): public routes here, the rest once authenticated.
  app.use(queryMatchesContract('public'));
  app.use(refuseUndocumentedMethods('public'));
  app.use(criteriaRoutes(deps.rules, deps.clock));
  app.use(vocabularyRoutes());
  app.use(registerRoutes(deps.store, deps.clock));
  app.use(auditHeadRoutes(deps));
  app.use('/v1', requireAuth(deps.authenticator));
  app.use(queryMatchesContract('all'));
  app.use(refuseUndocumentedMethods('all'));

  // Only methods with a route that reads a body parse one: a body sent with GET, HEAD, DELETE, … is
  // ignored (never stored or logged), so it cannot turn a read into an undocumented 400/413/415.
  // (Only /v1 routes read bodies; elsewhere, as on a path no route has, the body is never parsed.)
  app.use(refuseUnsupportedCharset(BODY_METHODS));
  const parseJson = express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.use((req, res, next) => (BODY_METHODS.has(req.method) && req.path.startsWith('/v1/') ? parseJson(req, res, next) : next()));
  app.use(refuseCprInBody);
  app.use(limitJsonDepth);

  app.use(evaluationListRoutes(deps.store));
  app.use(evaluationRoutes(deps.service));
  app.use(replayRoutes(deps));
  app.use(recheckRoutes(deps));
  app.use(providerRoutes({ store: deps.store, clock: deps.clock, ...(deps.geography ? { geography: deps.geography } : {}) }));
  app.use(approvalRoutes(deps.service));
  app.use(decisionRoutes({ ...deps, texts: deps.decisionTexts ?? defaultDecisionTexts() }));
  app.use(worklistRoutes(deps));
  app.use(advisoryAssignmentRoutes(deps.service));
  app.use(impactRoutes(deps.store, deps.rules, deps.clock));
  app.use(capacityRoutes(deps.store, deps.rules, deps.clock));
  app.use(auditRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, (damaged) => deps.integrity.noteDamaged(damaged)));
  return app;
}
