import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProblems } from '../../src/rules/compilable';
import type { Ruleset } from '../../src/rules/types';
import { evaluate } from '../../src/evaluation/evaluate';

const shipped = (): Ruleset => JSON.parse(readFileSync(path.resolve(__dirname, '../../rules/autisme/1.1.0.json'), 'utf8')) as Ruleset;

function withLeaf(leaf: Record<string, unknown>): Ruleset {
  const ruleset = shipped();
  ruleset.levels.specialfunktion.requirements[0].conditions = { all: [leaf as never] };
  return ruleset;
}

const POINTER = '/levels/specialfunktion/requirements/0/conditions/all/0';

describe('a rule the evaluator cannot compile', () => {
  it('finds nothing to refuse in the shipped rule sets', () => {
    expect(compileProblems(shipped())).toEqual([]);
  });

  it.each([
    ['a fact without a derivation', { fact: 'staffHeight', operator: 'equal', value: 1 }, `${POINTER}/fact`],
    ['an operator the evaluator does not know', { fact: 'staffCount', operator: 'between', value: 1 }, `${POINTER}/operator`],
    ['a JSONPath other than $.<key>', { fact: 'fteByProfession', path: '$..psykolog', operator: 'equal', value: 1 }, `${POINTER}/path`],
    ['a required value that refers to another fact', { fact: 'staffCount', operator: 'equal', value: { fact: 'staffFteTotal' } }, `${POINTER}/value`],
  ])('refuses %s with rule-not-compilable at the leaf', (_what, leaf, pointer) => {
    expect(compileProblems(withLeaf(leaf))).toEqual([expect.objectContaining({ code: 'rule-not-compilable', pointer })]);
  });

  it('is refused by the evaluator too, never evaluated some other way', async () => {
    const ruleset = withLeaf({ fact: 'staffCount', operator: 'equal', value: { fact: 'staffFteTotal' } });
    const evidence = { reportingDate: '2026-01-01', provider: { tilbudId: '1', cvr: '29189846', name: 'x', kommunekode: '101', ownerType: 'kommunal' } } as never;
    await expect(evaluate({ ruleset, level: 'specialfunktion', evidence, asOf: '2026-01-02' })).rejects.toMatchObject({ problems: [{ code: 'rule-not-compilable', pointer: `${POINTER}/value` }] });
  });
});
