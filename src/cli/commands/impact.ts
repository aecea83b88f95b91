import { validateEvidence } from '../../evidence/validate';
import { analyseImpact, type NewlyFailing, type Snapshot } from '../../impact';
import { requirementPhrase } from '../../rules/describe';
import type { Comparison } from '../../rules/diff';
import type { RulesCatalogue } from '../../rules/catalogue';
import { readJsonFile } from '../../rules/load';
import { LEVELS, type Ruleset } from '../../rules/types';
import { checkRulesetContent } from '../../rules/validate';
import path from 'node:path';
import { Command } from 'commander';
import { systemClock, today as todayOf } from '../../time/clock';
import { isIsoDate } from '../../time/dates';
import { loadCatalogue, requireVersion } from '../catalogue';
import { problemLine, table } from '../format';
import { CliError, resolveDir, type CommandContext, type Out } from '../io';

export interface ImpactOptions {
  snapshot: string;
  asOf: string;
  /** The version to compare with, found by speciale; default: the one in force on asOf. */
  against?: (speciale: string) => Ruleset;
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
    .option('--against <version>', 'versionen, udkastet sammenlignes med; standard: den, der er i kraft på vurderingsdatoen')
    .option('--as-of <date>', 'vurderingsdato (ÅÅÅÅ-MM-DD); standard: i dag')
    .option('--json', 'skriv resultatet som JSON')
    .option('--fail-on-impact', 'afslut med 1, hvis en godkendelse får nye krav, der ikke er opfyldt (til CI)')
    .action((draft: string, options: { snapshot: string; dir: string; against?: string; asOf?: string; json?: boolean; failOnImpact?: boolean }) =>
      cli.run(() => {
        const { io } = cli;
        const dir = resolveDir(io, options.dir);
        const { check, catalogue } = loadCatalogue(dir);
        const asOf = options.asOf ?? io.today ?? todayOf(systemClock);
        if (!isIsoDate(asOf)) throw new CliError(`--as-of skal være en dato (ÅÅÅÅ-MM-DD), ikke '${asOf}'`, 2);
        const against = options.against === undefined ? undefined : (speciale: string) => requireVersion(dir, check, catalogue, speciale, options.against as string, io);
        return runImpact(path.resolve(io.cwd, draft), { ...options, snapshot: path.resolve(io.cwd, options.snapshot), asOf, against }, catalogue, io.cwd, cli.out, (message) => {
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

  const current = options.against ? options.against(draft.speciale) : catalogue.inForceOn(draft.speciale, options.asOf);
  if (!current) fail(`'${draft.speciale}' har ingen udgivet version i kraft ${options.asOf} at sammenligne med; angiv en med --against`);
  const report = await analyseImpact(snapshot, current as Ruleset, draft, options.asOf);
  const affected = report.approvals.filter((a) => a.newlyFailing.length > 0);

  if (options.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    const compared = options.against ? `version ${report.currentVersion}` : `version ${report.currentVersion} (i kraft ${options.asOf})`;
    out(`${draft.speciale}: ${compared} → udkast ${report.draftVersion}, ${report.approvals.length} godkendelser i øjebliksbilledet`);
    out(`Overgangsperiode for tilføjede og skærpede krav: til og med ${report.transitionEndsOn.specialfunktion} (specialfunktion), ${report.transitionEndsOn.raadgivningsfunktion} (rådgivningsfunktion)`);
    out();
    if (affected.length === 0) out('Ingen godkendelser får nye krav, der ikke er opfyldt.');
    else {
      for (const line of table(
        ['Tilbud', 'Niveau', 'Tilsyn', 'I dag', 'Med udkastet', 'Fejler fra', 'Nye krav, der ikke er opfyldt'],
        affected.map((a) => [a.tilbudId, a.level, a.tilsyn, a.today, a.underDraft, a.failingFrom ?? '–', a.newlyFailing.map((r) => r.id).join(', ')]),
      )) out(line);
      out();
      out('Ændringerne, der får kravene til at fejle:');
      const causes = new Map(affected.flatMap((a) => a.newlyFailing.map((r) => [r.id, r] as const)));
      for (const r of causes.values()) out(`  ${r.id}: ${causeText(r)}${r.transitional ? ' (overgangsperiode)' : ''}`);
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

const DIRECTION_WORDS: Record<string, string> = { stricter: 'skærpet', looser: 'lempet', changed: 'ændret', none: 'uændret' };

/** The change in the draft that makes a requirement fail, in Danish. */
function causeText(r: NewlyFailing): string {
  const { cause } = r;
  if (cause.change === 'added') return 'nyt krav';
  if (cause.change === 'unchanged') return 'kravet er uændret, men gælder nu eller tæller nu';
  const parts = cause.thresholds.map((t) => {
    const side = (c: Comparison | null, params: Record<string, unknown> | undefined) =>
      c ? requirementPhrase({ fact: t.fact, path: t.path, params, operator: c.operator, value: c.value }) : '–';
    return `${side(t.before, t.paramsBefore ?? t.params)} → ${side(t.after, t.params)} (${DIRECTION_WORDS[t.direction]})`;
  });
  for (const f of cause.fields) if (f.field === 'severity') parts.push(`vægt ${String(f.before)} → ${String(f.after)}`);
  return parts.length > 0 ? parts.join('; ') : `betingelserne er ${DIRECTION_WORDS[cause.direction]}`;
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
