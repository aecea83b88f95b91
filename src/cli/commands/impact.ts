import { validateEvidence } from '../../evidence/validate';
import { analyseImpact, type Snapshot } from '../../impact';
import type { RulesCatalogue } from '../../rules/catalogue';
import { readJsonFile } from '../../rules/load';
import { LEVELS, type Ruleset } from '../../rules/types';
import { checkRulesetContent } from '../../rules/validate';
import path from 'node:path';
import { Command } from 'commander';
import { systemClock, today as todayOf } from '../../time/clock';
import { isIsoDate } from '../../time/dates';
import { loadCatalogue } from '../catalogue';
import { problemLine, table } from '../format';
import { CliError, resolveDir, type CommandContext, type Out } from '../io';

export interface ImpactOptions {
  snapshot: string;
  asOf: string;
  json?: boolean;
  failOnImpact?: boolean;
}


/** `speciale-rules impact <draft> --snapshot <file>`: the approvals a draft would affect. */
export function impactCommand(cli: CommandContext): Command {
  return new Command('impact')
    .description('vis, hvilke godkendelser et udkast ville ramme, ud fra et øjebliksbillede (GET /v1/specialer/{speciale}/snapshot)')
    .argument('<draft>', 'udkastets regelfil')
    .requiredOption('--snapshot <file>', 'øjebliksbilledet eksporteret fra tjenesten')
    .option('--dir <dir>', 'mappen med de udgivne regelsæt', 'rules')
    .option('--as-of <date>', 'vurderingsdato (ÅÅÅÅ-MM-DD); standard: i dag')
    .option('--json', 'skriv resultatet som JSON')
    .option('--fail-on-impact', 'afslut med 1, hvis en godkendelse får nye krav, der ikke er opfyldt (til CI)')
    .action((draft: string, options: { snapshot: string; dir: string; asOf?: string; json?: boolean; failOnImpact?: boolean }) =>
      cli.run(() => {
        const { io } = cli;
        const { catalogue } = loadCatalogue(resolveDir(io, options.dir));
        const asOf = options.asOf ?? io.today ?? todayOf(systemClock);
        if (!isIsoDate(asOf)) throw new CliError(`--as-of skal være en dato (ÅÅÅÅ-MM-DD), ikke '${asOf}'`, 2);
        return runImpact(path.resolve(io.cwd, draft), { ...options, snapshot: path.resolve(io.cwd, options.snapshot), asOf }, catalogue, io.cwd, cli.out, (message) => {
          throw new CliError(message);
        });
      }),
    );
}

/**
 * `speciale-rules impact <draft> --snapshot <file>`: what a draft rule set would do to the approvals in
 * an exported snapshot (GET /v1/specialer/{speciale}/snapshot), without reaching the service.
 */
export async function runImpact(
  draftFile: string,
  options: ImpactOptions,
  catalogue: RulesCatalogue,
  cwd: string,
  out: Out,
  fail: (message: string) => never,
): Promise<number> {
  const draftRead = readJsonFile(draftFile);
  if (draftRead.problems.length > 0) fail(draftRead.problems.map((p) => problemLine(p, cwd)).join('\n'));
  const draftProblems = checkRulesetContent(draftRead.value);
  if (draftProblems.length > 0) fail(draftProblems.map((p) => problemLine({ file: draftFile, ...p }, cwd)).join('\n'));
  const draft = draftRead.value as Ruleset;

  const snapRead = readJsonFile(options.snapshot);
  if (snapRead.problems.length > 0) fail(snapRead.problems.map((p) => problemLine(p, cwd)).join('\n'));
  const snapshot = snapRead.value as Snapshot;
  if (!snapshot || typeof snapshot !== 'object' || typeof snapshot.speciale !== 'string' || !Array.isArray(snapshot.approvals)) {
    fail(problemLine({ file: options.snapshot, pointer: '', message: 'ikke et øjebliksbillede fra GET /v1/specialer/{speciale}/snapshot (mangler speciale eller approvals)' }, cwd));
  }
  if (snapshot.speciale !== draft.speciale) {
    fail(problemLine({ file: options.snapshot, pointer: '/speciale', message: `øjebliksbilledet gælder '${snapshot.speciale}', udkastet '${draft.speciale}'` }, cwd));
  }
  const invalid = snapshot.approvals.flatMap((a, i) =>
    snapshotApprovalProblems(a).map((p) => ({ file: options.snapshot, pointer: `/approvals/${i}${p.pointer}`, message: p.message })),
  );
  if (invalid.length > 0) fail(invalid.map((p) => problemLine(p, cwd)).join('\n'));

  const current = catalogue.inForceOn(draft.speciale, options.asOf);
  if (!current) fail(`'${draft.speciale}' har ingen udgivet version i kraft ${options.asOf} at sammenligne med`);
  const report = await analyseImpact(snapshot, current as Ruleset, draft, options.asOf);
  const affected = report.approvals.filter((a) => a.newlyFailing.length > 0);

  if (options.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    out(`${draft.speciale}: version ${report.currentVersion} (i kraft ${options.asOf}) → udkast ${report.draftVersion}, ${report.approvals.length} godkendelser i øjebliksbilledet`);
    out();
    if (affected.length === 0) out('Ingen godkendelser får nye krav, der ikke er opfyldt.');
    else {
      for (const line of table(
        ['Tilbud', 'Niveau', 'Tilsyn', 'I dag', 'Med udkastet', 'Nye krav, der ikke er opfyldt'],
        affected.map((a) => [a.tilbudId, a.level, a.tilsyn, a.today, a.underDraft, a.newlyFailing.map((r) => r.id).join(', ')]),
      )) out(line);
    }
    out();
    for (const [title, totals] of [['Pr. niveau', report.byLevel], ['Pr. socialtilsyn', report.byTilsyn]] as const) {
      out(title);
      for (const line of table(
        ['', 'Godkendelser', 'Ville ikke opfylde', 'Med nye fejl'],
        Object.entries(totals).map(([k, t]) => [k, String(t.approvals), String(t.wouldFail), String(t.newlyFailing)]),
      )) out(`  ${line}`);
    }
  }
  return options.failOnImpact && affected.length > 0 ? 1 : 0;
}

/** What each approval of a snapshot needs (as GET /v1/specialer/{speciale}/snapshot writes it), named by pointer. */
function snapshotApprovalProblems(approval: unknown): { pointer: string; message: string }[] {
  if (typeof approval !== 'object' || approval === null || Array.isArray(approval)) return [{ pointer: '', message: 'skal være et objekt med approvalId, tilbudId, level, tilsyn, rulesetVersion og evidence' }];
  const a = approval as Record<string, unknown>;
  const problems: { pointer: string; message: string }[] = [];
  for (const field of ['approvalId', 'tilbudId', 'tilsyn', 'rulesetVersion']) {
    if (typeof a[field] !== 'string') problems.push({ pointer: `/${field}`, message: 'skal være en tekst' });
  }
  if (!(LEVELS as readonly unknown[]).includes(a.level)) problems.push({ pointer: '/level', message: `skal være en af: ${LEVELS.join(', ')}` });
  problems.push(...validateEvidence(a.evidence).map((p) => ({ pointer: `/evidence${p.pointer}`, message: p.message })));
  return problems;
}
