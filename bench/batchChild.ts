import { createRecordStore } from '../src/approvals/records';
import path from 'node:path';
import { RecheckBatch } from '../src/approvals/batch';
import { RecordIntegrity } from '../src/approvals/integrity';
import { Rechecker } from '../src/approvals/recheck';
import { RulesCatalogue } from '../src/rules/catalogue';
import { checkRulesTree } from '../src/rules/validate';
import { ManualClock } from '../src/time/clock';

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/**
 * `node batchChild.js <dataDir> <now>`: one batch re-check on a store batchSeed.js filled, and one JSON
 * line: the approvals re-checked, the run's time and this process's peak RSS at its end (rules loaded,
 * store open, the run), then the time and peak RSS of verifying the record after it (the audit chain and
 * every approval folded from it; the cron job, src/jobs/recheck.ts, verifies in the same process before it
 * runs). The run goes through the integrity guard as the service's and the job's do.
 */
async function main() {
  const [dataDir, now] = process.argv.slice(2);
  const rules = new RulesCatalogue(checkRulesTree(path.resolve(__dirname, '../../rules')).rulesets.map((r) => r.ruleset));
  const clock = new ManualClock(now);
  const rawStore = createRecordStore({ dataDir });
  await rawStore.init();
  const peakRssAtOpenMb = maxRssMb();
  const integrity = new RecordIntegrity(rawStore, clock);
  const store = integrity.guard(rawStore);
  const rechecker = new Rechecker({ store, rules, clock });
  const batch = new RecheckBatch({ store, rules, clock, rechecker, holder: 'bench' });
  const runStart = Date.now();
  const run = await batch.run();
  const runMs = Date.now() - runStart;
  const peakRssMb = maxRssMb();
  const verifyStart = Date.now();
  const { report } = await integrity.verify();
  const verifyMs = Date.now() - verifyStart;
  // A run whose writes do not verify would be a bug, not a figure.
  if (report.status !== 'ok') throw new Error(`the record does not verify after the run: ${JSON.stringify(report).slice(0, 500)}`);
  await rawStore.close();
  const { skipped, ...done } = run.counts;
  console.log(
    JSON.stringify({
      approvals: run.examined,
      rechecked: Object.values(done).reduce((a, b) => a + b, 0),
      skipped,
      runMs,
      peakRssMb,
      peakRssAtOpenMb,
      verifyMs,
      peakRssWithVerifyMb: maxRssMb(),
      failures: run.failureCount ?? 0,
      status: run.status,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
