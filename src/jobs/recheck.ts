import { hostname } from 'node:os';
import { BatchBusyError, RecheckBatch } from '../approvals/batch';
import { RecordIntegrity } from '../approvals/integrity';
import { Rechecker } from '../approvals/recheck';
import { ConfigError, loadConfig } from '../config';
import { RulesCatalogue } from '../rules/catalogue';
import { checkRulesTree } from '../rules/validate';
import { createRecordStore } from '../approvals/records';
import { systemClock } from '../time/clock';

/**
 * One batch re-check run, for cron: `npm run recheck`. Uses the same configuration as the service
 * (DATA_DIR or MONGODB_URI, RULES_DIR). Exit 0 when the run finished, 1 on failures, 75 (EX_TEMPFAIL)
 * when another instance holds the lease or SIGTERM/SIGINT stopped the run (the next run goes on from
 * where it stopped).
 */
export async function runRecheckJob(env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = loadConfig(env);
  const { rulesets, problems } = checkRulesTree(config.rulesDir);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `RULES_DIR: ${p.file}:${p.pointer}: ${p.message}`));
  const rules = new RulesCatalogue(rulesets.map((r) => r.ruleset));
  const rawStore = createRecordStore({ mongodbUri: config.mongodbUri, mongodbDb: config.mongodbDb, dataDir: config.dataDir });
  await rawStore.init();
  try {
    // The job writes to the record like the service does, so it refuses to while the record is in doubt.
    const integrity = new RecordIntegrity(rawStore, systemClock);
    const { report } = await integrity.verify();
    if (report.status === 'degraded') {
      out.write(`Registreringen er i tvivl og ændres ikke: ${JSON.stringify(report)}\nSe GET /v1/audit/verify og README (integritet).\n`);
      return 1;
    }
    const store = integrity.guard(rawStore);
    const rechecker = new Rechecker({ store, rules, clock: systemClock });
    const batch = new RecheckBatch({ store, rules, clock: systemClock, rechecker, holder: `cron:${hostname()}:${process.pid}` });
    let run;
    try {
      run = await batch.begin();
    } catch (error) {
      if (error instanceof BatchBusyError) {
        out.write(`${error.message}\n`);
        return 75;
      }
      throw error;
    }
    out.write(`Genvurdering ${run.id} startet (${run.asOf})\n`);
    const stop = () => void batch.stop();
    process.once('SIGTERM', stop).once('SIGINT', stop);
    let finished;
    try {
      finished = await batch.execute(run, (r) => out.write(`  … ${r.examined} godkendelser gennemgået\n`));
    } finally {
      process.off('SIGTERM', stop).off('SIGINT', stop);
    }
    if (finished.status === 'interrupted') {
      out.write(`Stoppet efter ${finished.examined} godkendelser; næste kørsel fortsætter herfra\n`);
      return 75;
    }
    const c = finished.counts;
    out.write(
      `Færdig på ${finished.durationMs} ms: ${finished.examined} gennemgået; i orden ${c.compliant}, i risiko ${c['at-risk']}, ` +
        `dokumentation forældet ${c['evidence-overdue']}, udløbet ${c.expired}, allerede gjort ${c.skipped}; fejl ${finished.failureCount ?? 0}` +
        '\n',
    );
    for (const f of finished.failures) out.write(`  fejl: ${f.approvalId}: ${f.message}\n`);
    if ((finished.failureCount ?? 0) > finished.failures.length) out.write(`  … og ${(finished.failureCount as number) - finished.failures.length} fejl mere\n`);
    return finished.status === 'finished' && (finished.failureCount ?? 0) === 0 ? 0 : 1;
  } finally {
    await rawStore.close();
  }
}

if (require.main === module) {
  runRecheckJob().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
