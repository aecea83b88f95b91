import { createRecordStore } from '../src/approvals/records';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { RecheckBatch } from '../src/approvals/batch';
import { Rechecker } from '../src/approvals/recheck';
import type { RecordStore } from '../src/approvals/records';
import { ApprovalService, type EvaluationRequest, type EvaluationView } from '../src/approvals/service';
import { loadAuditSigner } from '../src/audit/signing';
import { loadTokensFile, tokenHash } from '../src/auth';
import { createApp } from '../src/http/app';
import { RulesCatalogue } from '../src/rules/catalogue';
import { checkRulesTree } from '../src/rules/validate';
import { recordIntegrity } from '../src/storeOpening';
import { systemClock } from '../src/time/clock';
import type { Change, CommitOutcome } from '../src/store/types';
import { evaluationBody } from './http';
import { observeTransactions } from './transactions';

/**
 * The service for the HTTP benchmark, in its own process so the load generator does not share its
 * core: the real app on a fresh embedded store; prints its port, answers 'transactions' on its IPC
 * channel with the store's transactions since the last ask, stops on SIGTERM.
 */
async function main() {
  const token = process.argv[2];
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-http-'));
  const tokensFile = path.join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify([{ sha256: tokenHash(token), subject: 'bench', role: 'admin' }]));
  const rules = new RulesCatalogue(checkRulesTree(path.resolve(__dirname, '../../rules')).rulesets.map((r) => r.ruleset));
  const dataDir = path.join(dir, 'data');
  // The store's transactions, handed to the bench (over the IPC channel) when it asks: how many requests' commits each held.
  const observed = observeTransactions();
  process.on('message', (message) => {
    if (message === 'transactions') process.send?.(observed.take());
  });
  const rawStore = createRecordStore({ dataDir, onTransaction: observed.onTransaction });
  await rawStore.init();
  // As the service starts: a signing key, the record verified, writes through the integrity guard.
  const logger = pino({ level: 'silent' });
  const { signer } = loadAuditSigner({ dataDir });
  const integrity = recordIntegrity(rawStore, systemClock, signer, logger);
  await integrity.verify();
  const store = integrity.guard(rawStore);
  const service = new ApprovalService({ store, rules, clock: systemClock });
  const rechecker = new Rechecker({ store, rules, clock: systemClock });
  const batch = new RecheckBatch({ store, rules, clock: systemClock, rechecker, holder: 'bench' });
  const appWith = (appService: ApprovalService, appStore: RecordStore) =>
    createApp({ service: appService, rules, store: appStore, authenticator: loadTokensFile(tokensFile), logger, clock: systemClock, rechecker, batch, integrity, signer });
  // The service as it runs, and two variants of it that take a part of POST /v1/evaluations away, to show
  // what that part costs under the same load: one whose store serialises each change and acknowledges it
  // without writing (the bound for any store: each serialises the record on this thread, SQLite as rows,
  // MongoDB's driver as BSON), one whose evaluation use case answers a view computed once (what HTTP,
  // authentication, the CPR guard, the contract check and the answer cost by themselves).
  const unwritten = storeAcknowledgingWithoutWriting(store);
  const request = JSON.parse(evaluationBody()) as EvaluationRequest;
  const view = await service.evaluate({ subject: 'bench', role: 'admin' }, request, { dryRun: true, evidenceShapeChecked: true });
  const precomputed = new ApprovalService({ store, rules, clock: systemClock });
  precomputed.evaluate = async (): Promise<EvaluationView> => ({ ...view, id: 'bench-precomputed', stored: true });
  const servers = [
    appWith(service, store).listen(0, '127.0.0.1'),
    appWith(new ApprovalService({ store: unwritten, rules, clock: systemClock }), unwritten).listen(0, '127.0.0.1'),
    appWith(precomputed, store).listen(0, '127.0.0.1'),
  ];
  await Promise.all(servers.map((server) => new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)))));
  const [port, unwrittenPort, precomputedPort] = servers.map((server) => (server.address() as AddressInfo).port);
  console.log(JSON.stringify({ port, unwrittenPort, precomputedPort }));
  process.once('SIGTERM', () => {
    for (const server of servers) server.close();
    void rawStore.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/** The store, except that a change is serialised and acknowledged at once, with an audit entry, and nothing is written. */
function storeAcknowledgingWithoutWriting(store: RecordStore): RecordStore {
  let seq = 0;
  const acknowledged = (change: Change): CommitOutcome => {
    JSON.stringify(change);
    return { committed: true, entry: { ...change.audit, seq: ++seq, prevHash: '0'.repeat(64), hash: '0'.repeat(64) } };
  };
  return Object.assign(Object.create(store) as RecordStore, {
    commit: async (change: Change) => acknowledged(change),
    commitMany: async (changes: Change[]) => changes.map(acknowledged),
  });
}

void main();
