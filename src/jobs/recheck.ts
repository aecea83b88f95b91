import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Command } from 'commander';
import { BatchBusyError, RecheckBatch, type RecheckRun } from '../approvals/batch';
import { RecordIntegrity } from '../approvals/integrity';
import { Rechecker } from '../approvals/recheck';
import { ConfigError, loadConfig, type Config } from '../config';
import { RulesCatalogue } from '../rules/catalogue';
import { checkRulesTree, noRulesetsMessage } from '../rules/validate';
import { createRecordStore } from '../approvals/records';
import { assertNotLegacy, databaseFile } from '../store/sqliteDatabase';
import { today, systemClock, type Clock } from '../time/clock';
import { parseJobArguments } from './commandLine';

/**
 * One batch re-check run, for cron: `npm run recheck`. Uses the same configuration as the service
 * (DATA_DIR or MONGODB_URI, RULES_DIR). Exit codes: 0 the run finished cleanly, 1 failures or a refusal
 * (configuration, a data directory without a store, the record in doubt), 2 wrong usage, 75 (EX_TEMPFAIL)
 * when another instance holds the lease or SIGTERM/SIGINT stopped the run (the next run goes on from
 * where it stopped).
 */

export interface RecheckIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  clock?: Clock;
}

const PROGRAM = 'npm run recheck --';

/** Parses argv (without node and the script) and runs; returns the exit code, never exits. */
export async function main(argv: string[], io: RecheckIo = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const program = new Command('recheck')
    .usage('[--help]')
    .description(
      'Genvurderer alle godkendelser, der er forfaldne i dag, i én kørsel (til cron). Bruger samme miljø som tjenesten: ' +
        'DATA_DIR (det indlejrede datalager) eller MONGODB_URI og MONGODB_DB, og RULES_DIR.',
    )
    .helpOption('-h, --help', 'vis denne hjælp')
    .showHelpAfterError(`(se '${PROGRAM} --help')`)
    .addHelpText(
      'after',
      '\nAfslutningskoder: 0 kørslen er færdig uden fejl, 1 fejl eller afvist (konfiguration, ingen datalager i DATA_DIR, ' +
        'registreringen i tvivl), 2 forkert brug, 75 en anden kørsel har lejen eller kørslen blev stoppet (næste kørsel fortsætter).\n',
    );
  const parsed = parseJobArguments(program, argv, { out: (s) => io.stdout.write(s), err: (s) => io.stderr.write(s) });
  if (typeof parsed === 'number') return parsed;
  try {
    return await runRecheckJob(io);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Which store, named for the log without credentials: the embedded store's file, or MongoDB's host(s) and database. */
export function describeStore(config: Pick<Config, 'mongodbUri' | 'mongodbDb' | 'dataDir'>): string {
  if (!config.mongodbUri) return `indlejret (SQLite) ${databaseFile(config.dataDir)}`;
  const hosts = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(config.mongodbUri)?.[1] ?? '?';
  return `MongoDB ${hosts}, database ${config.mongodbDb}`;
}

/** The rule sets a run applies: each speciale with its version in force on `date`. */
export function describeRules(rules: RulesCatalogue, date: string): string {
  return rules
    .specialer()
    .map(({ speciale }) => `${speciale}@${rules.inForceOn(speciale, date)?.version ?? '(ingen i kraft)'}`)
    .join(', ');
}

export function summaryLine(run: RecheckRun): string {
  const c = run.counts;
  return (
    `Færdig på ${run.durationMs} ms: ${run.examined} gennemgået = i orden ${c.compliant} + i risiko ${c['at-risk']} + ` +
    `dokumentation forældet ${c['evidence-overdue']} + udløbet ${c.expired} + allerede gjort ${c.skipped} + ikke forfaldne ${c.notDue ?? 0}` +
    ` + fejl ${run.failureCount ?? 0}`
  );
}

async function runRecheckJob(io: RecheckIo): Promise<number> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const clock = io.clock ?? systemClock;
  const config = loadConfig(io.env);
  const { rulesets, problems } = checkRulesTree(config.rulesDir);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `RULES_DIR: ${p.file}:${p.pointer}: ${p.message}`));
  if (rulesets.length === 0) throw new Error(noRulesetsMessage(config.rulesDir));
  const rules = new RulesCatalogue(rulesets.map((r) => r.ruleset));
  if (!config.mongodbUri) {
    // A mistyped DATA_DIR must not begin an empty store and report nothing to do every night.
    assertNotLegacy(config.dataDir);
    const file = databaseFile(config.dataDir);
    if (!existsSync(file)) {
      io.stderr.write(
        `DATA_DIR ${config.dataDir} indeholder intet datalager (${file} findes ikke); ret DATA_DIR til tjenestens datamappe. Intet er oprettet.\n`,
      );
      return 1;
    }
  }
  say(`Datalager: ${describeStore(config)}`);
  say(`Regelsæt i kraft ${today(clock)}: ${describeRules(rules, today(clock))}`);
  // A job awaits each group of re-checks anyway: the embedded store commits on this thread, without a writer thread's memory.
  const rawStore = createRecordStore({ mongodbUri: config.mongodbUri, mongodbDb: config.mongodbDb, dataDir: config.dataDir, writerThread: false });
  await rawStore.init();
  try {
    // The job writes to the record like the service does, so it refuses to while the record is in doubt.
    const integrity = new RecordIntegrity(rawStore, clock);
    const { report } = await integrity.verify();
    if (report.status === 'degraded') {
      say(`Registreringen er i tvivl og ændres ikke: ${JSON.stringify(report)}\nSe GET /v1/audit/verify og README (integritet).`);
      return 1;
    }
    const store = integrity.guard(rawStore);
    const rechecker = new Rechecker({ store, rules, clock });
    const batch = new RecheckBatch({ store, rules, clock, rechecker, holder: `cron:${hostname()}:${process.pid}` });
    let run;
    try {
      run = await batch.begin();
    } catch (error) {
      if (error instanceof BatchBusyError) {
        say(error.message);
        return 75;
      }
      throw error;
    }
    say(`Genvurdering ${run.id} startet (${run.asOf})`);
    const stop = () => void batch.stop();
    process.once('SIGTERM', stop).once('SIGINT', stop);
    let finished;
    try {
      finished = await batch.execute(run, (r) => say(`  … ${r.examined} godkendelser gennemgået`));
    } finally {
      process.off('SIGTERM', stop).off('SIGINT', stop);
    }
    if (finished.status === 'interrupted') {
      say(`Stoppet efter ${finished.examined} godkendelser; næste kørsel fortsætter herfra`);
      return 75;
    }
    say(summaryLine(finished));
    for (const f of finished.failures) say(`  fejl: ${f.approvalId}: ${f.message}`);
    if ((finished.failureCount ?? 0) > finished.failures.length) say(`  … og ${(finished.failureCount as number) - finished.failures.length} fejl mere`);
    return finished.status === 'finished' && (finished.failureCount ?? 0) === 0 ? 0 : 1;
  } finally {
    await rawStore.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
