import type { Evidence } from '../../evidence/types';
import type { RulesCatalogue } from '../../rules/catalogue';
import { readJsonFile } from '../../rules/load';
import { exportProblems, replayInputOf, type EvaluationExport } from '../../replay/export';
import { replayEvaluation, type ReplayReport } from '../../replay/replay';
import path from 'node:path';
import { Command } from 'commander';
import { loadCatalogue } from '../catalogue';
import { problemLine, table } from '../format';
import { CliError, resolveDir, type CommandContext, type Out } from '../io';


const OUTCOME_WORDS: Record<string, string> = { met: 'opfyldt', 'not-met': 'ikke opfyldt', 'insufficient-evidence': 'mangler dokumentation' };

/** `speciale-rules replay <export>`: re-run an exported evaluation without the service. */
export function replayCommand(cli: CommandContext): Command {
  return new Command('replay')
    .description('genberegn en evaluering eksporteret fra tjenesten (GET /v1/evaluations/{id}/export) uden tjenesten; afslut med 0 identisk, 1 ikke identisk, 2 forkert brug eller ugyldig fil')
    .argument('<export>', 'eksportfilen (JSON)')
    .option('--rules <dir>', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv genberegningen som JSON')
    .action((file: string, options: { rules: string; json?: boolean }) =>
      cli.run(() => {
        let catalogue: RulesCatalogue;
        try {
          catalogue = loadCatalogue(resolveDir(cli.io, options.rules)).catalogue;
        } catch (error) {
          // A rules folder that cannot be read makes the export impossible to check: wrong usage.
          throw error instanceof CliError ? new CliError(error.message, 2) : error;
        }
        return runReplay(path.resolve(cli.io.cwd, file), options, catalogue, cli.io.cwd, cli.out, cli.err);
      }),
    );
}

/**
 * `speciale-rules replay <export.json> [--rules <dir>]`: re-run an evaluation exported from the service
 * (GET /v1/evaluations/{id}/export) against the rule files in `dir`, without the service, and say whether it
 * comes out the same. Exit 0 identical, 1 not identical, 2 a file that is not an export (each problem one
 * line `file:/pointer: message` on stderr).
 */
export async function runReplay(
  file: string,
  options: { json?: boolean },
  catalogue: RulesCatalogue,
  cwd: string,
  out: Out,
  err: (line: string) => unknown,
): Promise<number> {
  const read = readJsonFile(file);
  const problems = read.problems.length > 0 ? read.problems : exportProblems(read.value).map((p) => ({ file, ...p }));
  if (problems.length > 0) {
    for (const p of problems) err(problemLine(p, cwd));
    return 2;
  }
  const doc = read.value as EvaluationExport;
  const report = await replayEvaluation(replayInputOf(doc.evaluation, doc.evidence as Evidence), catalogue);
  if (options.json) out(JSON.stringify(report, null, 2));
  else for (const line of reportLines(report)) out(line);
  return report.identical ? 0 : 1;
}

export function reportLines(report: ReplayReport): string[] {
  const what = `evaluering ${report.evaluationId} (${report.speciale} ${report.ruleset.version}, ${report.level}, vurderet ${report.asOf})`;
  const lines = [report.identical ? `✓ identisk: ${what} giver samme resultat: ${report.overall.recorded}` : `✗ ikke identisk: ${what}`];
  const same = (ok: boolean) => (ok ? '= som registreret' : '≠ registreret');
  lines.push(
    '',
    ...table(
      ['', 'registreret', 'nu', ''],
      [
        ['dokumentation', report.evidence.recordedHash, report.evidence.recomputedHash, same(report.evidence.identical)],
        ['regelfil', report.ruleset.recordedHash, report.ruleset.currentHash ?? '(ikke indlæst)', same(report.ruleset.identical)],
        ['semantik', `version ${report.semantics.recorded}`, report.semantics.current === null ? '–' : `version ${report.semantics.current}`, same(report.semantics.identical)],
        ['regelmotor', report.engine.recorded, report.engine.current, ''],
        ['samlet resultat', report.overall.recorded, report.overall.replayed ?? '–', same(report.overall.identical)],
      ],
    ),
  );
  if (report.differences.length > 0) {
    lines.push('', 'Forskelle:');
    for (const d of report.differences) lines.push(`  ${d.what}: ${d.message}`);
  }
  const changed = report.requirements.filter((r) => !r.identical);
  if (changed.length > 0) {
    lines.push('', 'Krav, der ikke kommer ud som registreret:');
    for (const r of changed) {
      lines.push(`  ${r.id}: ${r.recorded ? OUTCOME_WORDS[r.recorded] : '(ikke med)'} → ${r.replayed ? OUTCOME_WORDS[r.replayed] : '(ikke med)'}${r.recorded === r.replayed ? ' (andre faktiske værdier)' : ''}`);
    }
  }
  return lines;
}
