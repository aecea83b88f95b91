import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { runCases, type CaseReport } from '../rules/cases';
import { RulesCatalogue } from '../rules/catalogue';
import { requirementPhrase, factPhrase, capitalize } from '../rules/describe';
import { diffRulesets, type Direction, type LevelDiff, type RulesetDiff, type ThresholdChange } from '../rules/diff';
import { updateLock } from '../rules/lock';
import { CATEGORY_TITLES, LEVEL_TITLES, renderHtml, renderMarkdown } from '../rules/render';
import type { Category, Ruleset } from '../rules/types';
import { editorSchemaProblems } from '../rules/editorSchemaCheck';
import { checkRulesTree, type RulesTreeCheck } from '../rules/validate';
import { systemClock, today as todayOf } from '../time/clock';
import { isIsoDate } from '../time/dates';
import { schemaCommand } from './commands/schema';
import { count, displayPath, oneLine, problemLine, table } from './format';
import { impactCommand } from './impact';
import { replayCommand } from './replay';

/** Where the CLI writes and which directory relative paths start from; tests pass their own. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  /** Today's date (YYYY-MM-DD) for `render` without a version; default: the system clock. */
  today?: string;
}

/** An expected failure: the message goes to stderr as is, with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const PROGRAM = 'speciale-rules';

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/**
 * The `speciale-rules` CLI. Returns the exit code: 0 success, 1 problems found or a failed command,
 * 2 wrong usage. Never throws: every error becomes one message on stderr.
 */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let exitCode = 0;
  const run = (fn: () => number | Promise<number>) => async () => {
    exitCode = await fn();
  };

  const program = new Command(PROGRAM)
    .description('Kontrollér, test, sammenlign og vis regelsæt for specialer (rules/<speciale>/<version>.json).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(`(se '${PROGRAM} --help')`)
    .addHelpText('after', '\nAfslutningskoder: 0 alt er i orden, 1 der er fundet problemer (eller en kommando fejlede), 2 forkert brug.');

  program
    .command('validate')
    .description('kontrollér alle regelfiler, eksempelsager og låsefilen')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv problemerne som JSON: [{ file, pointer, message }]')
    .action((dir: string, options: { json?: boolean }) => run(() => validateCommand(resolveDir(io, dir), options, io, out))());

  program
    .command('test')
    .description('kør eksempelsagerne i rules/<speciale>/cases/ og vis kravdækningen')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv resultatet som JSON')
    .action((dir: string, options: { json?: boolean }) => run(() => testCommand(resolveDir(io, dir), options, io, out, err))());

  program
    .command('diff')
    .description('vis, hvad der er ændret mellem to versioner, og om kravene er skærpet eller lempet')
    .argument('<speciale>', 'specialets id, fx autisme')
    .argument('<from>', 'den gamle version, fx 1.0.0')
    .argument('<to>', 'den nye version, fx 1.1.0')
    .option('--dir <dir>', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv forskellene som JSON')
    .action((speciale: string, from: string, to: string, options: { dir: string; json?: boolean }) =>
      run(() => diffCommand(resolveDir(io, options.dir), speciale, from, to, options, io, out))(),
    );

  program
    .command('render')
    .description('vis et regelsæt som læsbar dansk tekst (Markdown eller HTML)')
    .argument('<speciale>', 'specialets id, fx autisme')
    .argument('[version]', 'standard: den version, der er i kraft i dag, ellers den seneste udgivne')
    .option('--dir <dir>', 'mappen med regelsæt', 'rules')
    .addOption(new Option('--format <format>', 'md eller html').choices(['md', 'html']).default('md'))
    .action((speciale: string, version: string | undefined, options: { dir: string; format: 'md' | 'html' }) =>
      run(() => renderCommand(resolveDir(io, options.dir), speciale, version, options, io))(),
    );

  program
    .command('lock')
    .description('skriv indholds-hashen for nyudgivne versioner i rules.lock.json (ændrer aldrig en eksisterende)')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .action((dir: string) => run(() => lockCommand(resolveDir(io, dir), io, out, err))());

  program
    .command('impact')
    .description('vis, hvilke godkendelser et udkast ville ramme, ud fra et øjebliksbillede (GET /v1/specialer/{speciale}/snapshot)')
    .argument('<draft>', 'udkastets regelfil')
    .requiredOption('--snapshot <file>', 'øjebliksbilledet eksporteret fra tjenesten')
    .option('--dir <dir>', 'mappen med de udgivne regelsæt', 'rules')
    .option('--as-of <date>', 'vurderingsdato (ÅÅÅÅ-MM-DD); standard: i dag')
    .option('--json', 'skriv resultatet som JSON')
    .option('--fail-on-impact', 'afslut med 1, hvis en godkendelse får nye krav, der ikke er opfyldt (til CI)')
    .action((draft: string, options: { snapshot: string; dir: string; asOf?: string; json?: boolean; failOnImpact?: boolean }) =>
      run(() => {
        const { catalogue } = loadCatalogue(resolveDir(io, options.dir));
        const asOf = options.asOf ?? io.today ?? todayOf(systemClock);
        if (!isIsoDate(asOf)) throw new CliError(`--as-of skal være en dato (ÅÅÅÅ-MM-DD), ikke '${asOf}'`, 2);
        return impactCommand(path.resolve(io.cwd, draft), { ...options, snapshot: path.resolve(io.cwd, options.snapshot), asOf }, catalogue, io.cwd, out, (message) => {
          throw new CliError(message);
        });
      })(),
    );

  program
    .command('replay')
    .description('genberegn en evaluering eksporteret fra tjenesten (GET /v1/evaluations/{id}/export) uden tjenesten; afslut med 0 identisk, 1 ikke identisk, 2 forkert brug eller ugyldig fil')
    .argument('<export>', 'eksportfilen (JSON)')
    .option('--rules <dir>', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv genberegningen som JSON')
    .action((file: string, options: { rules: string; json?: boolean }) =>
      run(() => {
        let catalogue: RulesCatalogue;
        try {
          catalogue = loadCatalogue(resolveDir(io, options.rules)).catalogue;
        } catch (error) {
          throw error instanceof CliError ? new CliError(error.message, 2) : error;
        }
        return replayCommand(path.resolve(io.cwd, file), options, catalogue, io.cwd, out, err);
      })(),
    );

  program.addCommand(schemaCommand({ io, out, run: async (body) => run(body)() }).copyInheritedSettings(program));

  try {
    await program.parseAsync(argv, { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
      return 2; // commander has already written the message
    }
    if (error instanceof CliError) {
      err(`${PROGRAM}: ${error.message}`);
      return error.exitCode;
    }
    err(`${PROGRAM}: uventet fejl: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}

function resolveDir(io: CliIo, dir: string): string {
  return path.resolve(io.cwd, dir);
}

type Out = (line?: string) => void;

// ---- validate ----

function validateCommand(dir: string, options: { json?: boolean }, io: CliIo, out: Out): number {
  const tree = checkRulesTree(dir);
  const check = { ...tree, problems: [...tree.problems, ...editorSchemaProblems(dir)] };
  if (options.json) {
    out(JSON.stringify(check.problems.map((p) => ({ file: displayPath(p.file, io.cwd), pointer: p.pointer, message: p.message })), null, 2));
    return check.problems.length > 0 ? 1 : 0;
  }
  for (const p of check.problems) out(problemLine(p, io.cwd));
  if (check.problems.length > 0) {
    const files = new Set(check.problems.map((p) => p.file)).size;
    out(`✗ ${count(check.problems.length, 'problem', 'problemer')} i ${count(files, 'fil', 'filer')}`);
    return 1;
  }
  out(summaryLine(check));
  return 0;
}

function summaryLine(check: RulesTreeCheck): string {
  const n = check.rulesets.length;
  const specialer = new Set(check.rulesets.map((r) => r.ruleset.speciale)).size;
  const requirements = check.rulesets.reduce((sum, r) => sum + r.ruleset.levels.specialfunktion.requirements.length + r.ruleset.levels.raadgivningsfunktion.requirements.length, 0);
  const locked = Object.keys(check.lock.entries).length;
  const extras = [count(requirements, 'krav', 'krav'), count(locked, 'låst version', 'låste versioner')];
  if (check.caseFiles > 0) extras.push(count(check.caseFiles, 'eksempelsag', 'eksempelsager'));
  return `✓ ${count(n, 'regelsæt', 'regelsæt')} i ${count(specialer, 'speciale', 'specialer')} er ${n === 1 ? 'gyldigt' : 'gyldige'} (${extras.join(', ')})`;
}

// ---- shared: a catalogue of the valid rule sets, and finding one version ----

function loadCatalogue(dir: string): { check: RulesTreeCheck; catalogue: RulesCatalogue } {
  const check = checkRulesTree(dir);
  if (check.problems.some((p) => p.file === dir && p.pointer === '')) {
    throw new CliError(check.problems.filter((p) => p.file === dir).map((p) => `${p.file}: ${p.message}`).join('\n'));
  }
  return { check, catalogue: new RulesCatalogue(check.rulesets.map((r) => r.ruleset)) };
}

function requireVersion(dir: string, check: RulesTreeCheck, catalogue: RulesCatalogue, speciale: string, version: string, io: CliIo): Ruleset {
  const ruleset = catalogue.get(speciale, version);
  if (ruleset) return ruleset;
  const file = path.join(dir, speciale, `${version}.json`);
  const problems = check.problems.filter((p) => p.file === file && !p.code?.startsWith('lock/'));
  if (problems.length > 0) {
    throw new CliError([`version ${version} af '${speciale}' har fejl; ret dem først (se \`${PROGRAM} validate\`):`, ...problems.map((p) => `  ${problemLine(p, io.cwd)}`)].join('\n'));
  }
  const known = catalogue.versions(speciale).map((r) => r.version);
  if (known.length === 0) throw unknownSpeciale(dir, catalogue, speciale, io);
  throw new CliError(`version ${version} af '${speciale}' findes ikke (findes: ${known.join(', ')})`);
}

function unknownSpeciale(dir: string, catalogue: RulesCatalogue, speciale: string, io: CliIo): CliError {
  const specialer = catalogue.specialer().map((s) => s.speciale);
  return new CliError(
    `specialet '${speciale}' har ingen gyldige regelsæt i ${displayPath(dir, io.cwd)}${specialer.length ? ` (findes: ${specialer.join(', ')})` : ''}; se \`${PROGRAM} validate\``,
  );
}

// ---- test ----

const OUTCOME_WORDS: Record<string, string> = {
  met: 'opfyldt',
  'not-met': 'ikke opfyldt',
  'insufficient-evidence': 'utilstrækkelig dokumentation',
  absent: 'findes ikke på niveauet',
  eligible: 'eligible',
  'not-eligible': 'not-eligible',
  incomplete: 'incomplete',
};

async function testCommand(dir: string, options: { json?: boolean }, io: CliIo, out: Out, err: (line: string) => void): Promise<number> {
  const { check, catalogue } = loadCatalogue(dir);
  const ruleProblems = check.problems.filter((p) => path.basename(path.dirname(p.file)) !== 'cases' && !p.code?.startsWith('lock/'));
  const report = await runCases(dir, catalogue);
  if (options.json) {
    out(JSON.stringify(relativeReport(report, io.cwd), null, 2));
    return report.failed > 0 ? 1 : 0;
  }
  if (ruleProblems.length > 0) {
    err(`! ${count(ruleProblems.length, 'problem', 'problemer')} i regelfilerne; regelsæt med fejl er sprunget over (se \`${PROGRAM} validate\`)`);
  }
  if (report.cases.length === 0) {
    out(`ingen eksempelsager i ${displayPath(dir, io.cwd)}/<speciale>/cases/`);
    return 0;
  }
  for (const c of report.cases) {
    const where = [c.version, c.level ? LEVEL_TITLES[c.level].toLowerCase() : undefined, c.asOf].filter(Boolean).join(', ');
    out(`${c.status === 'pass' ? '✓' : '✗'} ${displayPath(c.file, io.cwd)} – ${c.name}${where ? ` (${where})` : ''}`);
    if (c.status === 'fail') {
      if (c.actualOverall !== c.expectedOverall) out(`    samlet resultat: forventet ${c.expectedOverall}, fik ${c.actualOverall}`);
      for (const d of c.differences) out(`    ${d.id}: forventet ${OUTCOME_WORDS[d.expected]}, fik ${OUTCOME_WORDS[d.actual]}`);
    }
    for (const p of c.problems) out(`    ${p.pointer === '' ? '' : `${p.pointer}: `}${p.message}`);
  }
  if (report.coverage.length > 0) {
    out();
    out('Dækning – krav, som ingen bestået eksempelsag får til at fejle:');
    for (const e of report.coverage) {
      const covered = e.requirements.length - e.uncovered.length;
      const what = `${e.speciale} ${e.version} ${LEVEL_TITLES[e.level].toLowerCase()}`;
      out(
        e.uncovered.length === 0
          ? `  ${what}: alle ${e.requirements.length} krav dækket`
          : `  ${what}: ${covered} af ${e.requirements.length} krav dækket; ikke dækket: ${e.uncovered.join(', ')}`,
      );
    }
  }
  out();
  out(
    report.failed === 0
      ? `✓ ${count(report.passed, 'eksempelsag', 'eksempelsager')} bestået`
      : `✗ ${report.failed} af ${count(report.cases.length, 'eksempelsag', 'eksempelsager')} fejlede`,
  );
  return report.failed > 0 ? 1 : 0;
}

function relativeReport(report: CaseReport, cwd: string): CaseReport {
  return {
    ...report,
    cases: report.cases.map((c) => ({ ...c, file: displayPath(c.file, cwd), problems: c.problems.map((p) => ({ ...p, file: displayPath(p.file, cwd) })) })),
    coverage: report.coverage.map((e) => ({
      ...e,
      failedBy: Object.fromEntries(Object.entries(e.failedBy).map(([id, files]) => [id, files.map((f) => displayPath(f, cwd))])),
    })),
  };
}

// ---- diff ----

const DIRECTION_WORDS: Record<Direction | 'none', string> = { stricter: 'skærpet', looser: 'lempet', changed: 'ændret', none: '–' };
const SEVERITY_WORDS: Record<string, string> = { required: 'Krav', advisory: 'Anbefaling' };
const POLICY_WORDS: Record<string, string> = {
  validityMonths: 'godkendelsens varighed (måneder)',
  recheckIntervalMonths: 'genvurdering hver (måneder)',
  maxEvidenceAgeMonths: 'dokumentationens maks. alder (måneder)',
  transitionMonths: 'overgangsperiode (måneder)',
  renewalWindowMonths: 'fornyelsesvindue (måneder)',
};
const STATUS_WORDS: Record<string, string> = { draft: 'udkast', published: 'udgivet', retired: 'udgået' };
const META_WORDS: Record<string, string> = {
  effectiveFrom: 'i kraft fra',
  effectiveTo: 'i kraft til og med',
  status: 'status',
  title: 'titel',
  description: 'beskrivelse',
  illustrative: 'note om illustrativt indhold',
};

function diffCommand(dir: string, speciale: string, from: string, to: string, options: { json?: boolean }, io: CliIo, out: Out): number {
  const { check, catalogue } = loadCatalogue(dir);
  const a = requireVersion(dir, check, catalogue, speciale, from, io);
  const b = requireVersion(dir, check, catalogue, speciale, to, io);
  const diff = diffRulesets(a, b);
  if (options.json) {
    out(JSON.stringify(diff, null, 2));
    return 0;
  }
  for (const line of diffLines(diff)) out(line);
  return 0;
}

function shortText(value: unknown, max = 70): string {
  if (value === null || value === undefined) return '–';
  const text = oneLine(String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function comparisonText(t: ThresholdChange, side: 'before' | 'after'): string {
  const c = t[side];
  if (!c) return '–';
  return requirementPhrase({ fact: t.fact, path: t.path, params: t.params, operator: c.operator, value: c.value });
}

export function diffLines(diff: RulesetDiff): string[] {
  const lines = [`${diff.speciale} ${diff.from} → ${diff.to}`];
  if (diff.metadata.length > 0) {
    lines.push('');
    const value = (field: string, v: unknown) => (field === 'status' ? (STATUS_WORDS[String(v)] ?? String(v)) : shortText(v, 50));
    lines.push(...table(['Felt', 'Før', 'Efter'], diff.metadata.map((m) => [META_WORDS[m.field] ?? m.field, value(m.field, m.before), value(m.field, m.after)])));
  }
  let any = diff.metadata.length > 0;
  for (const level of diff.levels) {
    const rows = levelRows(level);
    if (rows.length === 0) continue;
    any = true;
    lines.push('', LEVEL_TITLES[level.level], ...table(['Krav', 'Ændring', 'Før', 'Efter', 'Retning'], rows));
  }
  if (!any) lines.push('', 'Ingen forskelle.');
  else {
    const all = diff.levels.flatMap((l) => [...l.added, ...l.removed, ...l.changed]);
    const by = (d: Direction | 'none') => all.filter((r) => r.direction === d).length;
    lines.push('', `${count(all.length, 'krav', 'krav')} ændret: ${by('stricter')} skærpet, ${by('looser')} lempet, ${by('changed')} ændret på anden vis, ${by('none')} kun i ordlyd`);
  }
  return lines;
}

function levelRows(level: LevelDiff): string[][] {
  const rows: string[][] = [];
  for (const p of level.policy) rows.push(['(godkendelse)', POLICY_WORDS[p.field] ?? p.field, String(p.before), String(p.after), '–']);
  if (level.includesLevel) rows.push(['(niveau)', 'omfatter niveauet', String(level.includesLevel.before ?? '–'), String(level.includesLevel.after ?? '–'), '–']);
  for (const r of level.added) rows.push([r.id, `nyt ${SEVERITY_WORDS[r.severity].toLowerCase()}`, '–', shortText(r.title, 60), DIRECTION_WORDS[r.direction]]);
  for (const r of level.removed) rows.push([r.id, 'fjernet', shortText(r.title, 60), '–', DIRECTION_WORDS[r.direction]]);
  for (const r of level.changed) {
    for (const f of r.fields) {
      if (f.field === 'conditions') continue;
      if (f.field === 'severity') rows.push([r.id, 'vægt', SEVERITY_WORDS[String(f.before)], SEVERITY_WORDS[String(f.after)], DIRECTION_WORDS[f.after === 'required' ? 'stricter' : 'looser']]);
      else if (f.field === 'category') rows.push([r.id, 'kategori', CATEGORY_TITLES[f.before as Category], CATEGORY_TITLES[f.after as Category], '–']);
      else if (f.field === 'title') rows.push([r.id, 'titel', shortText(f.before, 45), shortText(f.after, 45), '–']);
      else rows.push([r.id, 'begrundelse', 'ændret', '', '–']);
    }
    for (const t of r.thresholds) {
      rows.push([r.id, capitalize(factPhrase({ fact: t.fact, path: t.path, params: t.params, operator: '', value: null })), comparisonText(t, 'before'), comparisonText(t, 'after'), DIRECTION_WORDS[t.direction]]);
    }
    if (r.thresholds.length === 0 && r.fields.some((f) => f.field === 'conditions')) rows.push([r.id, 'betingelsernes opbygning', '', '', DIRECTION_WORDS.changed]);
  }
  return rows;
}

// ---- render ----

function renderCommand(dir: string, speciale: string, version: string | undefined, options: { format: 'md' | 'html' }, io: CliIo): number {
  const { check, catalogue } = loadCatalogue(dir);
  let ruleset: Ruleset | undefined;
  if (version !== undefined) ruleset = requireVersion(dir, check, catalogue, speciale, version, io);
  else {
    const date = io.today ?? todayOf(systemClock);
    ruleset = catalogue.inForceOn(speciale, date) ?? catalogue.latestPublished(speciale);
    if (!ruleset) {
      const known = catalogue.versions(speciale).map((r) => r.version);
      if (known.length === 0) throw unknownSpeciale(dir, catalogue, speciale, io);
      throw new CliError(`'${speciale}' har ingen udgivet version; angiv versionen (findes: ${known.join(', ')})`);
    }
  }
  const period = ruleset.status === 'published' ? (catalogue.inForcePeriod(speciale, ruleset.version) ?? null) : undefined;
  const text = options.format === 'html' ? renderHtml(ruleset, { inForce: period }) : renderMarkdown(ruleset, { inForce: period });
  io.stdout.write(text);
  return 0;
}

// ---- lock ----

function lockCommand(dir: string, io: CliIo, out: Out, err: (line: string) => void): number {
  const result = updateLock(dir);
  const lockFile = displayPath(result.file, io.cwd);
  if (result.problems.length > 0) {
    err(`✗ ${lockFile} er ikke ændret:`);
    for (const p of result.problems) err(problemLine(p, io.cwd));
    return 1;
  }
  if (result.added.length === 0) {
    out(`✓ alle udgivne versioner er allerede låst (${count(result.locked, 'version', 'versioner')} i ${lockFile})`);
  } else {
    out(`✓ låste ${count(result.added.length, 'ny version', 'nye versioner')}: ${result.added.join(', ')} (${count(result.locked, 'version', 'versioner')} i ${lockFile})`);
  }
  return 0;
}
