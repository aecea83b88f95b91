import path from 'node:path';
import { Command } from 'commander';
import { runCases, type CaseReport } from '../../evaluation/cases';
import { CASES_DIR, type FileProblem } from '../../rules/load';
import { LEVEL_TITLES } from '../../rules/render';
import { loadCatalogue } from '../catalogue';
import { isLockProblem, type RulesTreeCheck } from '../../rules/validate';
import { count, displayPath, problemLine } from '../format';
import { PROGRAM, resolveDir, type CliIo, type CommandContext, type Err, type Out } from '../io';

/** `speciale-rules test [dir]`: run the example cases and report the requirement coverage. */
export function testCommand(cli: CommandContext): Command {
  return new Command('test')
    .description('kør eksempelsagerne i rules/<speciale>/cases/ og vis kravdækningen')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv resultatet som JSON')
    .action((dir: string, options: { json?: boolean }) => cli.run(() => runTest(resolveDir(cli.io, dir), options, cli.io, cli.out, cli.err)));
}

const OUTCOME_WORDS: Record<string, string> = {
  met: 'opfyldt',
  'not-met': 'ikke opfyldt',
  'insufficient-evidence': 'utilstrækkelig dokumentation',
  absent: 'findes ikke på niveauet',
  eligible: 'eligible',
  'not-eligible': 'not-eligible',
  incomplete: 'incomplete',
};

async function runTest(dir: string, options: { json?: boolean }, io: CliIo, out: Out, err: Err): Promise<number> {
  const { check, catalogue } = loadCatalogue(dir);
  const ruleProblems = check.problems.filter((p) => path.basename(path.dirname(p.file)) !== 'cases' && !isLockProblem(p));
  const report = await runCases(dir, catalogue);
  const uncovered = uncoveredFindings(report, check);
  const exitCode = report.failed > 0 || uncovered.length > 0 ? 1 : 0;
  if (options.json) {
    const findings = uncovered.map((f) => ({ ...f, file: displayPath(f.file, io.cwd) }));
    out(JSON.stringify({ ...relativeReport(report, io.cwd), findings }, null, 2));
    return exitCode;
  }
  if (ruleProblems.length > 0) {
    err(`! ${count(ruleProblems.length, 'problem', 'problemer')} i regelfilerne; regelsæt med fejl er sprunget over (se \`${PROGRAM} validate\`)`);
  }
  if (report.cases.length === 0) out(`ingen eksempelsager i ${displayPath(dir, io.cwd)}/<speciale>/cases/`);
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
  if (uncovered.length > 0) {
    out();
    for (const f of uncovered) out(problemLine(f, io.cwd));
  }
  out();
  if (report.cases.length > 0) {
    out(
      report.failed === 0
        ? `✓ ${count(report.passed, 'eksempelsag', 'eksempelsager')} bestået`
        : `✗ ${report.failed} af ${count(report.cases.length, 'eksempelsag', 'eksempelsager')} fejlede`,
    );
  }
  if (uncovered.length > 0) out(`✗ ${count(uncovered.length, 'krav', 'krav')} uden en eksempelsag, der får kravet til at fejle`);
  return exitCode;
}

/**
 * A version is tested when each of its requirements is made to fail by some passing case: otherwise a
 * requirement could be dropped or loosened and every case would still pass. One finding per uncovered
 * requirement, pointing at it in its rule file.
 */
function uncoveredFindings(report: CaseReport, check: RulesTreeCheck): FileProblem[] {
  const findings: FileProblem[] = [];
  for (const entry of report.coverage) {
    const loaded = check.rulesets.find((r) => r.ruleset.speciale === entry.speciale && r.ruleset.version === entry.version);
    if (!loaded) continue;
    const own = loaded.ruleset.levels[entry.level].requirements;
    for (const id of entry.uncovered) {
      findings.push({
        file: loaded.file,
        pointer: `/levels/${entry.level}/requirements/${own.findIndex((r) => r.id === id)}`,
        code: 'requirement-not-covered',
        message: `ingen bestået eksempelsag får kravet '${id}' til at fejle; tilføj en sag i ${entry.speciale}/${CASES_DIR}/ med "version": "${entry.version}", hvor kravet ikke er opfyldt`,
      });
    }
  }
  return findings;
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
