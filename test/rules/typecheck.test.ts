import { readFileSync } from 'node:fs';
import path from 'node:path';
import { vocabulary } from '../../src/evidence/catalogue';
import { typecheckLeaf, typecheckRuleset } from '../../src/rules/typecheck';
import { checkRulesetContent } from '../../src/rules/validate';
import type { LeafCondition } from '../../src/rules/types';
import { baseRuleset, edited } from './helpers';

const SF = '/levels/specialfunktion/requirements';
const NUMBER_OPERATORS = 'equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive';

/** The problems for one leaf placed as the first condition of DEM-SF-01. */
function problemsFor(leaf: Record<string, unknown>) {
  const ruleset = edited(baseRuleset(), (r) => {
    r.levels.specialfunktion.requirements[0].conditions.all[0] = leaf;
  });
  return checkRulesetContent(ruleset);
}

const AT = `${SF}/0/conditions/all/0`;

describe('type-checking conditions against the fact catalogue', () => {
  it('accepts the valid base rule set', () => {
    expect(checkRulesetContent(baseRuleset())).toEqual([]);
    expect(typecheckRuleset(baseRuleset())).toEqual([]);
  });

  it('checks owner type and socialtilsyn values against their lists, which a condition could otherwise never match', () => {
    expect(problemsFor({ fact: 'ownerType', operator: 'equal', value: 'Kommunal' })).toEqual([
      { pointer: `${AT}/value`, code: 'value-not-in-vocabulary', message: expect.stringContaining("'Kommunal' er ikke en værdi i ordlisten ownerTypes for faktum 'ownerType'; mente du 'kommunal'?") },
    ]);
    expect(problemsFor({ fact: 'socialtilsyn', operator: 'in', value: ['Midt', 'Socialtilsyn Nord'] })).toEqual([
      { pointer: `${AT}/value/1`, code: 'value-not-in-vocabulary', message: expect.stringContaining('brug en af: Nord, Midt, Syd, Hovedstaden, Øst') },
    ]);
    expect(problemsFor({ fact: 'ownerType', operator: 'equal', value: 'privat' })).toEqual([]);
  });

  it('lists the owner types the evidence schema allows', () => {
    const evidenceSchema = JSON.parse(readFileSync(path.join(__dirname, '../../schemas/evidence.schema.json'), 'utf8'));
    const allowed = JSON.stringify(evidenceSchema).match(/"ownerType":\{"enum":(\[[^\]]*\])/)![1];
    expect(vocabulary('ownerTypes').map((e) => e.id)).toEqual(JSON.parse(allowed));
  });

  it('reports an unknown fact at /fact and suggests the closest known one', () => {
    expect(problemsFor({ fact: 'staffFteTotl', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/fact`, code: 'unknown-fact', message: "ukendt faktum 'staffFteTotl'; mente du 'staffFteTotal'? brug et faktum fra faktakataloget (schemas/fact-catalogue.json)" },
    ]);
    expect(problemsFor({ fact: 'antalEnhjørninger', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/fact`, code: 'unknown-fact', message: "ukendt faktum 'antalEnhjørninger'; brug et faktum fra faktakataloget (schemas/fact-catalogue.json)" },
    ]);
  });

  it('reports an unknown operator with the operators the fact allows', () => {
    expect(problemsFor({ fact: 'staffFteTotal', operator: 'greaterThenInclusive', value: 2 })).toEqual([
      { pointer: `${AT}/operator`, code: 'unknown-operator', message: `ukendt operator 'greaterThenInclusive'; mente du 'greaterThanInclusive'? brug en af: ${NUMBER_OPERATORS}` },
    ]);
  });

  it('reports an operator that does not fit the fact type', () => {
    expect(problemsFor({ fact: 'staffFteTotal', operator: 'contains', value: 2 })).toEqual([
      { pointer: `${AT}/operator`, code: 'operator-not-for-fact', message: `operator 'contains' passer ikke til faktum 'staffFteTotal' (number); brug en af: ${NUMBER_OPERATORS}` },
    ]);
    expect(problemsFor({ fact: 'methodsInUse', operator: 'greaterThan', value: 'teacch' })).toEqual([
      { pointer: `${AT}/operator`, code: 'operator-not-for-fact', message: "operator 'greaterThan' passer ikke til faktum 'methodsInUse' (string[]); brug en af: contains, doesNotContain" },
    ]);
  });

  it('reports values of the wrong type for number, integer, boolean and date facts', () => {
    expect(problemsFor({ fact: 'staffFteTotal', operator: 'greaterThan', value: '2,5' })).toEqual([
      { pointer: `${AT}/value`, code: 'value-wrong-type', message: `værdien "2,5" passer ikke til faktum 'staffFteTotal' (number, FTE); angiv et tal uden anførselstegn, fx 2.5` },
    ]);
    expect(problemsFor({ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: 2.5 })).toEqual([
      { pointer: `${AT}/value`, code: 'value-wrong-type', message: "værdien 2.5 passer ikke til faktum 'citizenCoursesStarted' (integer, borgerforløb); angiv et helt tal, fx 3" },
    ]);
    expect(problemsFor({ fact: 'methodFoundationDocumented', operator: 'equal', value: 'true' })).toEqual([
      { pointer: `${AT}/value`, code: 'value-wrong-type', message: `værdien "true" passer ikke til faktum 'methodFoundationDocumented' (boolean); angiv true eller false uden anførselstegn` },
    ]);
    expect(problemsFor({ fact: 'methodFoundationReviewedOn', operator: 'dateOnOrAfter', value: '01-01-2026' })).toEqual([
      { pointer: `${AT}/value`, code: 'value-wrong-type', message: `værdien "01-01-2026" passer ikke til faktum 'methodFoundationReviewedOn' (date); angiv en dato som "ÅÅÅÅ-MM-DD", fx "2026-01-01"` },
    ]);
  });

  it('requires a vocabulary value for contains on a string[] fact, and one value, not a list', () => {
    expect(problemsFor({ fact: 'methodsInUse', operator: 'contains', value: 'teach' })).toEqual([
      {
        pointer: `${AT}/value`,
        code: 'value-not-in-vocabulary',
        message: expect.stringMatching(/^'teach' er ikke en værdi i ordlisten methods for faktum 'methodsInUse'; mente du 'teacch'\? brug en af: teacch, low-arousal, /),
      },
    ]);
    expect(problemsFor({ fact: 'methodsInUse', operator: 'contains', value: ['teacch', 'krap'] })).toEqual([
      {
        pointer: `${AT}/value`,
        code: 'value-wrong-type',
        message: `værdien ["teacch","krap"] passer ikke til faktum 'methodsInUse' (string[]); operator 'contains' tager én værdi; skriv én værdi, fx "teacch", og brug flere betingelser under "all" for at kræve flere`,
      },
    ]);
  });

  it('requires a non-empty list of strings for in / notIn on a string fact', () => {
    expect(problemsFor({ fact: 'ownerType', operator: 'in', value: 'kommunal' })).toEqual([
      { pointer: `${AT}/value`, code: 'value-wrong-type', message: `værdien "kommunal" passer ikke til faktum 'ownerType' (string); operator 'in' kræver en ikke-tom liste af tekster, fx ["kommunal"]` },
    ]);
    expect(problemsFor({ fact: 'ownerType', operator: 'in', value: ['kommunal', 'regional'] })).toEqual([]);
  });

  it('rejects a value that refers to another fact: rules compare with a fixed value', () => {
    expect(problemsFor({ fact: 'advisoryFte', operator: 'greaterThanInclusive', value: { fact: 'staffFteTotal' } })).toEqual([
      {
        pointer: `${AT}/value`,
        code: 'value-refers-to-fact',
        message: 'værdien henviser til faktum "staffFteTotal"; en betingelse skal sammenligne med en fast værdi (compare with a fixed value), fx "value": 1',
      },
    ]);
  });

  it('allows path only on object facts, requires it there, and checks the key against the vocabulary', () => {
    expect(problemsFor({ fact: 'staffFteTotal', path: '$.psykolog', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/path`, code: 'path-not-allowed', message: `faktum 'staffFteTotal' (number) har ingen felter at vælge med path; fjern "path"` },
    ]);
    expect(problemsFor({ fact: 'fteByProfession', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: AT, code: 'path-required', message: `faktum 'fteByProfession' er et objekt og kræver en path, der vælger én værdi, fx "path": "$.paedagog"` },
    ]);
    expect(problemsFor({ fact: 'fteByProfession', path: '$.psykologer', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/path`, code: 'unknown-path-key', message: expect.stringMatching(/^'psykologer' er ikke en nøgle i ordlisten professions for faktum 'fteByProfession'; mente du "\$\.psykolog"\? brug en af: paedagog, /) },
    ]);
  });

  it('validates params against the fact’s params schema', () => {
    expect(problemsFor({ fact: 'fteWithCompetence', operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: AT, code: 'param-missing', message: `faktum 'fteWithCompetence' kræver param 'competence'; tilføj fx "competence": "autismespecifikke-metoder" under "params"` },
    ]);
    expect(problemsFor({ fact: 'fteWithCompetence', params: { competence: 'neuropaedagogik', withinYear: 5 }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params/withinYear`, code: 'param-unknown', message: "faktum 'fteWithCompetence' kender ikke param 'withinYear'; mente du 'withinYears'? tilladte params: competence, withinYears" },
    ]);
    expect(problemsFor({ fact: 'fteWithCompetence', params: { competence: 'neuropaedagogi' }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params/competence`, code: 'param-not-in-vocabulary', message: expect.stringMatching(/^"neuropaedagogi" er ikke en værdi i ordlisten competences; mente du 'neuropaedagogik'\? brug en af: autismespecifikke-metoder, /) },
    ]);
    expect(problemsFor({ fact: 'fteWithCompetence', params: { competence: 'neuropaedagogik', withinYears: 0 }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params/withinYears`, code: 'param-out-of-range', message: "param 'withinYears' til faktum 'fteWithCompetence' skal være mindst 1, ikke 0" },
    ]);
    expect(problemsFor({ fact: 'fteWithEducation', params: { educations: 'paedagog' }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params/educations`, code: 'param-wrong-type', message: `"paedagog" passer ikke som param 'educations' til faktum 'fteWithEducation'; angiv en liste, fx ["…"]` },
    ]);
    expect(problemsFor({ fact: 'fteWithEducation', params: { educations: [] }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params/educations`, code: 'param-empty-list', message: "listen i param 'educations' til faktum 'fteWithEducation' må ikke være tom; angiv mindst én værdi" },
    ]);
  });

  it('rejects params on a fact that takes none', () => {
    expect(problemsFor({ fact: 'staffFteTotal', params: { withinMonths: 12 }, operator: 'greaterThan', value: 2 })).toEqual([
      { pointer: `${AT}/params`, code: 'params-not-allowed', message: `faktum 'staffFteTotal' tager ingen params; fjern "params"` },
    ]);
  });

  it('points into nested any / not groups', () => {
    const ruleset = edited(baseRuleset(), (r) => {
      r.levels.raadgivningsfunktion.requirements[0].conditions = {
        any: [{ all: [{ fact: 'offersOutreach', operator: 'equal', value: 1 }] }, { not: { fact: 'advisoryCasez', operator: 'equal', value: 1 } }],
      };
    });
    expect(checkRulesetContent(ruleset).map((p) => p.pointer)).toEqual([
      '/levels/raadgivningsfunktion/requirements/0/conditions/any/0/all/0/value',
      '/levels/raadgivningsfunktion/requirements/0/conditions/any/1/not/fact',
    ]);
  });

  it('reports several problems of one leaf together, and checks the operator even when the fact is unknown', () => {
    const leaf: LeafCondition = { fact: 'fteByProfesion', operator: 'biggerThan', value: 1 };
    expect(typecheckLeaf(leaf, '').map((p) => p.pointer)).toEqual(['/fact', '/operator']);
    const known: LeafCondition = { fact: 'staffFteTotal', operator: 'greaterThan', value: 'x', path: '$.a', params: {} };
    expect(typecheckLeaf(known, '').map((p) => p.pointer)).toEqual(['/path', '/params', '/value']);
  });
});
