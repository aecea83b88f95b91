/**
 * Seeds N active approvals that are due for their scheduled re-check today (like bench/batchChild.ts),
 * straight into the store in DATA_DIR (each committed with its audit entry), with no server running:
 *
 *   node --require ./test/support/tsRegister.js test/faults/support/seedDueApprovals.ts <dataDir> <rulesDir> <n>
 *
 * Each approval was granted under the version in force today (so the only reason it is due is its
 * nextDueDate, yesterday), with evidence from an eligible example case. Prints one JSON line:
 * { ids, dueDate, ms }.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../../src/evaluation/evaluate';
import { RulesCatalogue } from '../../../src/rules/catalogue';
import { rulesetHash } from '../../../src/rules/hash';
import { checkRulesTree } from '../../../src/rules/validate';
import { createRecordStore, evaluationRecord, type ApprovalRecord, type EvaluationRecord, type RecordChange } from '../../../src/approvals/records';
import { systemClock, today } from '../../../src/time/clock';
import { addDays, addMonths } from '../../../src/time/dates';
import { seedChange } from '../../support/seed';

async function main(): Promise<void> {
  const [dataDir, rulesDir, count] = process.argv.slice(2);
  const n = Number(count);
  if (!dataDir || !rulesDir || !Number.isInteger(n) || n < 1) throw new Error('usage: seedDueApprovals.ts <dataDir> <rulesDir> <n>');
  const started = Date.now();
  const rules = new RulesCatalogue(checkRulesTree(rulesDir).rulesets.map((r) => r.ruleset));
  const date = today(systemClock);
  const ruleset = rules.inForceOn('autisme', date);
  if (!ruleset) throw new Error(`no autisme rule set in force on ${date}`);
  const casesDir = path.join(rulesDir, 'autisme', 'cases');
  const example = readdirSync(casesDir)
    .map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8')))
    .find((c) => c.level === 'specialfunktion' && c.expected.overall === 'eligible');
  if (!example) throw new Error('no eligible autisme case');

  const store = createRecordStore({ dataDir });
  await store.init();
  const hash = rulesetHash(ruleset);
  const dueDate = addDays(date, -1);
  const validFrom = addMonths(date, -12);
  const at = new Date(Date.now() - 3_600_000).toISOString();
  // One real evaluation of the example's evidence, the record every seeded approval rests on.
  const result = await evaluate({ ruleset, level: 'specialfunktion', evidence: example.evidence, asOf: validFrom });
  const ids: string[] = [];
  let group: RecordChange[] = [];
  for (let i = 0; i < n; i++) {
    // One provider per approval: a provider has one approval in force per speciale and level.
    const provider = { ...example.evidence.provider, tilbudId: `${example.evidence.provider.tilbudId}-${i}`, region: 'Midtjylland', tilsyn: 'Midt' as const };
    const approvalId = randomUUID();
    const evaluation: EvaluationRecord = { ...evaluationRecord(result, { id: randomUUID(), provider, evidence: example.evidence, createdAt: at, createdBy: 'seed' }), approvalId };
    const approval: ApprovalRecord = {
      id: approvalId, speciale: 'autisme', level: 'specialfunktion', provider, tilsyn: 'Midt', decision: 'approved', status: 'active', reason: 'seed',
      validFrom, validUntil: addMonths(date, 48), rulesetVersion: ruleset.version, rulesetHash: hash, evaluationId: evaluation.id,
      nextDueDate: dueDate, history: [], version: 1, createdAt: at, createdBy: 'seed', updatedAt: at,
    };
    group.push(seedChange(approval, evaluation));
    ids.push(approvalId);
    if (group.length === 500 || i === n - 1) {
      const refused = (await store.commitMany(group)).filter((o) => !o.committed);
      if (refused.length > 0) throw new Error(`seeding refused: ${JSON.stringify(refused[0])}`);
      group = [];
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ ids, dueDate, ms: Date.now() - started })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
