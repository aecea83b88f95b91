import { createRecordStore, type RecordStore } from '../../src/approvals/records';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import request from 'supertest';
import { RecheckBatch } from '../../src/approvals/batch';
import type { RecordIntegrity } from '../../src/approvals/integrity';
import { Rechecker } from '../../src/approvals/recheck';
import { ApprovalService } from '../../src/approvals/service';
import { loadAuditSigner, type AuditSigner } from '../../src/audit/signing';
import { loadTokensFile, tokenHash } from '../../src/auth';
import { createApp } from '../../src/http/app';
import { RulesCatalogue } from '../../src/rules/catalogue';
import type { Ruleset } from '../../src/rules/types';
import { recordIntegrity } from '../../src/storeOpening';
import { ManualClock } from '../../src/time/clock';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { ruleset } from './builders';
import { withContractGuard } from './contractGuard';
import type { LocationLookup } from '../../src/providers/location';

/** One bearer token per kind of user the service knows. */
export const TOKENS = {
  admin: 'test-admin-token-0123456789',
  socialstyrelsen: 'test-sst-token-0123456789',
  midt: 'test-inspector-midt-0123456789',
  nord: 'test-inspector-nord-0123456789',
  oest: 'test-inspector-oest-0123456789',
} as const;

export const bearer = (who: keyof typeof TOKENS) => `Bearer ${TOKENS[who]}`;

export type Who = keyof typeof TOKENS;

/**
 * API calls as one of the known users, each response checked against openapi.yaml. `service` is asked
 * on every call, since each test starts its own.
 */
export function apiCaller(service: () => TestService) {
  return async (method: 'get' | 'post', url: string, who: Who, payload?: object) => {
    const req = request(service().app)[method](url).set('Authorization', bearer(who));
    const res = payload ? await req.send(payload) : await req;
    expectResponseMatchesSpec(res);
    return res;
  };
}

export interface TestService {
  app: Express;
  store: RecordStore;
  clock: ManualClock;
  rules: RulesCatalogue;
  rechecker: Rechecker;
  batch: RecheckBatch;
  /** The record's integrity as the service knows it; its writes go through integrity.guard(store). */
  integrity: RecordIntegrity;
  signer: AuditSigner;
  dataDir: string;
  close(): Promise<void>;
}

/** The real app on a fresh embedded store in a temp dir, with the test rule set and known tokens. */
export async function startTestService(
  options: {
    rulesets?: Ruleset[];
    now?: string;
    logger?: Logger;
    contractGuard?: boolean;
    /** Another test service's data directory (left in place by this one's close): the same record under other rule files. */
    dataDir?: string;
    /** Municipality → socialtilsyn data for the provider register's moves and reassignments (default: the shipped data). */
    geography?: LocationLookup;
    /** The public rate limit (requests per client and minute); default none, so tests can call freely. */
    publicRateLimitPerMinute?: number;
    /** Express's `trust proxy`. */
    trustProxy?: boolean | number | string;
  } = {},
): Promise<TestService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-http-'));
  const dataDir = options.dataDir ?? path.join(dir, 'data');
  const tokensFile = path.join(dir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify([
      { sha256: tokenHash(TOKENS.admin), subject: 'admin@test', role: 'admin' },
      { sha256: tokenHash(TOKENS.socialstyrelsen), subject: 'analytiker@sst', role: 'socialstyrelsen' },
      { sha256: tokenHash(TOKENS.midt), subject: 'inspektoer@midt', role: 'inspector', tilsyn: 'Midt' },
      { sha256: tokenHash(TOKENS.nord), subject: 'inspektoer@nord', role: 'inspector', tilsyn: 'Nord' },
      { sha256: tokenHash(TOKENS.oest), subject: 'inspektoer@oest', role: 'inspector', tilsyn: 'Øst' },
    ]),
  );
  const store = createRecordStore({ dataDir });
  await store.init();
  const clock = new ManualClock(options.now ?? '2026-10-01T09:00:00Z');
  const rules = new RulesCatalogue(options.rulesets ?? [ruleset()]);
  const { signer } = loadAuditSigner({ dataDir });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const integrity = recordIntegrity(store, clock, signer, logger);
  const guarded = integrity.guard(store);
  // As the service does at start.
  await integrity.verify();
  const service = new ApprovalService({ store: guarded, rules, clock });
  const rechecker = new Rechecker({ store: guarded, rules, clock });
  const batch = new RecheckBatch({ store: guarded, rules, clock, rechecker, holder: 'test-instance' });
  const inner = createApp({ service, rules, store: guarded, authenticator: loadTokensFile(tokensFile), logger, clock, rechecker, batch, integrity, signer, ...(options.geography ? { geography: options.geography } : {}), publicRateLimitPerMinute: options.publicRateLimitPerMinute, trustProxy: options.trustProxy });
  // Every response in every test is checked against openapi.yaml; close() fails the test on a drift.
  const checked = options.contractGuard === false ? { app: inner, violations: [] as string[] } : withContractGuard(inner);
  return {
    app: checked.app,
    store,
    clock,
    rules,
    rechecker,
    batch,
    integrity,
    signer,
    dataDir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      if (checked.violations.length > 0) {
        throw new Error(`responses that do not match openapi.yaml:\n  - ${[...new Set(checked.violations)].join('\n  - ')}`);
      }
    },
  };
}
