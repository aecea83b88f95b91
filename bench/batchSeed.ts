import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../src/evaluation/evaluate';
import { RulesCatalogue } from '../src/rules/catalogue';
import { rulesetHash } from '../src/rules/hash';
import { checkRulesTree } from '../src/rules/validate';
import { createRecordStore, evaluationRecord, type ApprovalRecord, type EvaluationRecord, type RecordChange } from '../src/approvals/records';
import { commitSeeds, seedChange } from './seed';

/** Seeds committed per transaction. */
const SEED_GROUP = 500;

/**
 * `node batchSeed.js <n> <dataDir>`: seeds N approvals of the first eligible autisme case, all due on the
 * case's date, each with its evaluation and its audited decision, and prints one JSON line: the count,
 * the seeding time and the time the batch is to run at. In a process of its own, so the batch's peak RSS
 * (batchChild.ts) is the run's alone.
 */
async function main() {
  const n = Number(process.argv[2]);
  const dataDir = process.argv[3];
  const root = path.resolve(__dirname, '../..');
  const rules = new RulesCatalogue(checkRulesTree(path.join(root, 'rules')).rulesets.map((r) => r.ruleset));
  const casesDir = path.join(root, 'rules/autisme/cases');
  const c = readdirSync(casesDir).map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'))).find((x) => x.expected.overall === 'eligible' && !x.version);
  const ruleset = rules.inForceOn('autisme', c.asOf)!;
  const store = createRecordStore({ dataDir, writerThread: false });
  await store.init();
  const now = `${c.asOf}T08:00:00.000Z`;
  const seedStart = Date.now();
  const hash = rulesetHash(ruleset);
  // One real evaluation of the case's evidence, the record every seeded approval rests on.
  const result = await evaluate({ ruleset, level: 'specialfunktion', evidence: c.evidence, asOf: c.asOf });
  const seeds: RecordChange[] = [];
  for (let i = 0; i < n; i++) {
    // One provider per approval: a provider has one approval in force per speciale and level.
    const provider = { ...c.evidence.provider, tilbudId: `${c.evidence.provider.tilbudId}-${i}`, region: 'Midtjylland', tilsyn: 'Midt' as const };
    const approvalId = randomUUID();
    const evaluation: EvaluationRecord = { ...evaluationRecord(result, { id: randomUUID(), provider, evidence: c.evidence, createdAt: now, createdBy: 'seed' }), approvalId };
    const approval: ApprovalRecord = {
      id: approvalId, speciale: 'autisme', level: 'specialfunktion', provider, tilsyn: 'Midt', decision: 'approved', status: 'active', reason: 'seed',
      validFrom: c.asOf, validUntil: '2099-12-31', rulesetVersion: ruleset.version, rulesetHash: hash, evaluationId: evaluation.id,
      nextDueDate: c.asOf, history: [], version: 1, createdAt: now, createdBy: 'seed', updatedAt: now,
    };
    seeds.push(seedChange(approval, evaluation));
    if (seeds.length === SEED_GROUP || i === n - 1) await commitSeeds(store, seeds.splice(0));
  }
  const seedMs = Date.now() - seedStart;
  await store.close();
  console.log(JSON.stringify({ approvals: n, seedMs, now }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
