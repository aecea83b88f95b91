import { createRecordStore } from '../src/approvals/records';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { RecheckBatch } from '../src/approvals/batch';
import { Rechecker } from '../src/approvals/recheck';
import { ApprovalService } from '../src/approvals/service';
import { loadAuditSigner } from '../src/audit/signing';
import { loadTokensFile, tokenHash } from '../src/auth';
import { createApp } from '../src/http/app';
import { RulesCatalogue } from '../src/rules/catalogue';
import { checkRulesTree } from '../src/rules/validate';
import { recordIntegrity } from '../src/storeOpening';
import { systemClock } from '../src/time/clock';
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
  const rawStore = createRecordStore({ dataDir });
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
  const app = createApp({ service, rules, store, authenticator: loadTokensFile(tokensFile), logger, clock: systemClock, rechecker, batch, integrity, signer });
  const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
  process.once('SIGTERM', () => {
    server.close();
    void rawStore.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

void main();
