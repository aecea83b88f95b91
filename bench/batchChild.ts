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
  // As the re-check job opens it (src/jobs/recheck.ts): commits on this thread.
  const rawStore = createRecordStore({ dataDir, writerThread: false });
  await rawStore.init();
  const peakRssAtOpenMb = maxRssMb();
  const integrity = new RecordIntegrity(rawStore, clock);
  const store = integrity.guard(rawStore);
  const rechecker = new Rechecker({ store, rules, clock });
  const batch = new RecheckBatch({ store, rules, clock, rechecker, holder: 'bench' });
  // The time at each progress report (every 100 approvals), to compare the run's first tenth with its last in one process.
  const progress: { examined: number; at: number }[] = [];
  const runStart = Date.now();
  const run = await batch.run((r) => progress.push({ examined: r.examined, at: Date.now() }));
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
      ...perApprovalAtEnds(progress),
      peakRssMb,
      peakRssAtOpenMb,
      verifyMs,
      peakRssWithVerifyMb: maxRssMb(),
      failures: run.failureCount ?? 0,
      status: run.status,
    }),
  );
}

/** Ms per approval over the run's first and last tenth (whole progress steps), from the progress times. */
function perApprovalAtEnds(progress: { examined: number; at: number }[]): { firstTenthMs?: number; lastTenthMs?: number } {
  const steps = progress.filter((p, i) => i === 0 || p.examined > progress[i - 1].examined);
  const total = steps[steps.length - 1]?.examined ?? 0;
  const tenth = Math.max(100, Math.round(total / 10 / 100) * 100);
  const at = (examined: number) => steps.find((p) => p.examined === examined)?.at;
  const [a, b, c, d] = [at(100), at(100 + tenth), at(total - tenth), at(total)];
  if (total < 1000 || a === undefined || b === undefined || c === undefined || d === undefined) return {};
  return { firstTenthMs: (b - a) / tenth, lastTenthMs: (d - c) / tenth };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
