import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecheckBatch } from '../src/approvals/batch';
import { Rechecker } from '../src/approvals/recheck';
import { RulesCatalogue } from '../src/rules/catalogue';
import { rulesetHash } from '../src/rules/hash';
import { checkRulesTree } from '../src/rules/validate';
import { SqliteStore } from '../src/store/sqlite';
import type { ApprovalRecord, Change, EvaluationRecord } from '../src/store/types';
import { ManualClock } from '../src/time/clock';
import { commitSeeds, seedChange } from './seed';

/** Seeds committed per transaction. */
const SEED_GROUP = 500;

/**
 * Seeds N approvals that are all due, runs one batch re-check, and prints one JSON line with the
 * seeding time, the run time and the peak RSS of this process.
 */
async function main() {
  const n = Number(process.argv[2]);
  const root = path.resolve(__dirname, '../..');
  const rules = new RulesCatalogue(checkRulesTree(path.join(root, 'rules')).rulesets.map((r) => r.ruleset));
  const casesDir = path.join(root, 'rules/autisme/cases');
  const c = readdirSync(casesDir).map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'))).find((x) => x.expected.overall === 'eligible' && !x.version);
  const ruleset = rules.inForceOn('autisme', c.asOf)!;
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-bench-batch-'));
  const store = new SqliteStore(dir);
  await store.init();
  const clock = new ManualClock(`${c.asOf}T08:00:00Z`);
  const seedStart = Date.now();
  const hash = rulesetHash(ruleset);
  const seeds: Change[] = [];
  for (let i = 0; i < n; i++) {
    // One provider per approval: a provider has one approval in force per speciale and level.
    const provider = { ...c.evidence.provider, tilbudId: `${c.evidence.provider.tilbudId}-${i}`, region: 'Midtjylland', tilsyn: 'Midt' as const };
    const approvalId = randomUUID();
    const evaluation: EvaluationRecord = {
      id: randomUUID(), speciale: 'autisme', level: 'specialfunktion', rulesetVersion: ruleset.version, rulesetHash: hash, evidenceHash: 'seed',
      engineVersion: 'seed', asOf: c.asOf, overall: 'eligible', provider, evidence: c.evidence, result: {}, createdAt: clock.now().toISOString(), createdBy: 'seed', approvalId,
    };
    const approval: ApprovalRecord = {
      id: approvalId, speciale: 'autisme', level: 'specialfunktion', provider, tilsyn: 'Midt', decision: 'approved', status: 'active', reason: 'seed',
      validFrom: c.asOf, validUntil: '2099-12-31', rulesetVersion: ruleset.version, rulesetHash: hash, evaluationId: evaluation.id,
      nextDueDate: c.asOf, history: [], version: 1, createdAt: clock.now().toISOString(), createdBy: 'seed', updatedAt: clock.now().toISOString(),
    };
    seeds.push(seedChange(approval, evaluation));
    if (seeds.length === SEED_GROUP || i === n - 1) await commitSeeds(store, seeds.splice(0));
  }
  const seedMs = Date.now() - seedStart;
  const rechecker = new Rechecker({ store, rules, clock });
  const batch = new RecheckBatch({ store, rules, clock, rechecker, holder: 'bench' });
  const runStart = Date.now();
  const run = await batch.run();
  const runMs = Date.now() - runStart;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ approvals: n, seedMs, runMs, peakRssMb, counts: run.counts, failures: run.failures.length, status: run.status }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
