import { Command } from 'commander';
import { editorSchemaProblems } from '../../rules/editorSchemaCheck';
import { checkRulesTree, type RulesTreeCheck } from '../../rules/validate';
import { count, displayPath, problemLine } from '../format';
import { resolveDir, type CliIo, type CommandContext, type Out } from '../io';

/** `speciale-rules validate [dir]`: every rule file, example case and the lock; exit 1 on any problem. */
export function validateCommand(cli: CommandContext): Command {
  return new Command('validate')
    .description('kontrollér alle regelfiler, eksempelsager og låsefilen')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .option('--json', 'skriv problemerne som JSON: [{ file, pointer, code, message }]')
    .action((dir: string, options: { json?: boolean }) => cli.run(() => validate(resolveDir(cli.io, dir), options, cli.io, cli.out)));
}

function validate(dir: string, options: { json?: boolean }, io: CliIo, out: Out): number {
  const tree = checkRulesTree(dir);
  const check = { ...tree, problems: [...tree.problems, ...editorSchemaProblems(dir)] };
  if (options.json) {
    out(JSON.stringify(check.problems.map((p) => ({ file: displayPath(p.file, io.cwd), pointer: p.pointer, code: p.code, message: p.message })), null, 2));
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
