import path from 'node:path';
import { runCases } from '../../src/evaluation/cases';
import { RulesCatalogue } from '../../src/rules/catalogue';
import { problemLine } from '../../src/cli/format';
import { checkRulesTree } from '../../src/rules/validate';

/** The rule sets we ship (rules/): what `speciale-rules validate rules` and `test rules` check in CI. */
const RULES = path.join(__dirname, '..', '..', 'rules');
const ROOT = path.join(__dirname, '..', '..');

describe('the shipped rules tree', () => {
  const check = checkRulesTree(RULES);

  it('has no problems (schema, type-check, ids, dates, lock, cases)', () => {
    expect(check.problems.map((p) => problemLine(p, ROOT))).toEqual([]);
    expect(check.rulesets.length).toBeGreaterThan(0);
  });

  it('passes every example case', async () => {
    const report = await runCases(RULES, new RulesCatalogue(check.rulesets.map((r) => r.ruleset)));
    const failures = report.cases
      .filter((c) => c.status !== 'pass')
      .map((c) => ({ file: path.relative(ROOT, c.file), status: c.status, overall: [c.expectedOverall, c.actualOverall], differences: c.differences, problems: c.problems.map((p) => p.message) }));
    expect(failures).toEqual([]);
    expect(report.cases.length).toBeGreaterThan(0);
  });
});
