import path from 'node:path';
import { RulesCatalogue } from '../rules/catalogue';
import type { Ruleset } from '../rules/types';
import { checkRulesTree, isLockProblem, type RulesTreeCheck } from '../rules/validate';
import { displayPath, problemLine } from './format';
import { CliError, PROGRAM, type CliIo } from './io';

/** A catalogue of the valid rule sets in `dir`, and the check it came from; a missing folder is a CliError. */
export function loadCatalogue(dir: string): { check: RulesTreeCheck; catalogue: RulesCatalogue } {
  const check = checkRulesTree(dir);
  if (check.problems.some((p) => p.file === dir && p.pointer === '')) {
    throw new CliError(check.problems.filter((p) => p.file === dir).map((p) => `${p.file}: ${p.message}`).join('\n'));
  }
  return { check, catalogue: new RulesCatalogue(check.rulesets.map((r) => r.ruleset)) };
}

/** One version of a speciale, or a CliError that lists its problems or the versions that exist. */
export function requireVersion(dir: string, check: RulesTreeCheck, catalogue: RulesCatalogue, speciale: string, version: string, io: CliIo): Ruleset {
  const ruleset = catalogue.get(speciale, version);
  if (ruleset) return ruleset;
  const file = path.join(dir, speciale, `${version}.json`);
  const problems = check.problems.filter((p) => p.file === file && !isLockProblem(p));
  if (problems.length > 0) {
    throw new CliError([`version ${version} af '${speciale}' har fejl; ret dem først (se \`${PROGRAM} validate\`):`, ...problems.map((p) => `  ${problemLine(p, io.cwd)}`)].join('\n'));
  }
  const known = catalogue.versions(speciale).map((r) => r.version);
  if (known.length === 0) throw unknownSpeciale(dir, catalogue, speciale, io);
  throw new CliError(`version ${version} af '${speciale}' findes ikke (findes: ${known.join(', ')})`);
}

export function unknownSpeciale(dir: string, catalogue: RulesCatalogue, speciale: string, io: CliIo): CliError {
  const specialer = catalogue.specialer().map((s) => s.speciale);
  return new CliError(
    `specialet '${speciale}' har ingen gyldige regelsæt i ${displayPath(dir, io.cwd)}${specialer.length ? ` (findes: ${specialer.join(', ')})` : ''}; se \`${PROGRAM} validate\``,
  );
}
