import { diffConditions, diffRulesets, tightenedRequirementIds } from '../../src/rules/diff';
import type { Condition } from '../../src/rules/types';
import { baseRuleset, edited } from './helpers';

const base = baseRuleset();
const next = (edit: (r: any) => void) => edited(baseRuleset({ version: '1.1.0', effectiveFrom: '2027-07-01' }), edit);
const sf = (r: any, i: number) => r.levels.specialfunktion.requirements[i];

const courses = (operator: string, value: number): Condition => ({ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator, value });

describe('diffRulesets', () => {
  it('finds nothing but the metadata between equal criteria', () => {
    const diff = diffRulesets(base, next(() => {}));
    expect(diff).toMatchObject({ speciale: 'demo', from: '1.0.0', to: '1.1.0', metadata: [{ field: 'effectiveFrom', before: '2026-01-01', after: '2027-07-01' }] });
    for (const level of diff.levels) expect(level).toMatchObject({ added: [], removed: [], changed: [], policy: [] });
  });

  it('calls a raised lower bound stricter and shows before and after', () => {
    const diff = diffRulesets(base, next((r) => (sf(r, 2).conditions.all[0].value = 5)));
    expect(diff.levels[0].changed).toEqual([
      {
        id: 'DEM-SF-03',
        title: 'Mindst 3 nye borgerforløb inden for 12 måneder',
        severity: 'required',
        change: 'changed',
        direction: 'stricter',
        fields: [{ field: 'conditions', before: sf(base, 2).conditions, after: expect.anything() }],
        thresholds: [
          { fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, before: { operator: 'greaterThanInclusive', value: 3 }, after: { operator: 'greaterThanInclusive', value: 5 }, direction: 'stricter' },
        ],
      },
    ]);
  });

  it('ranks lower and upper bounds, inclusive versus exclusive, dates and in-lists', () => {
    const dir = (a: Condition, b: Condition) => diffConditions({ all: [a] }, { all: [b] }).map((t) => t.direction);
    expect(dir(courses('greaterThanInclusive', 3), courses('greaterThanInclusive', 2))).toEqual(['looser']);
    expect(dir(courses('greaterThanInclusive', 3), courses('greaterThan', 3))).toEqual(['stricter']);
    expect(dir(courses('greaterThan', 3), courses('greaterThanInclusive', 3))).toEqual(['looser']);
    const days = (operator: string, value: number): Condition => ({ fact: 'advisoryResponseDays', operator, value });
    expect(dir(days('lessThanInclusive', 10), days('lessThanInclusive', 5))).toEqual(['stricter']);
    expect(dir(days('lessThan', 10), days('lessThan', 15))).toEqual(['looser']);
    expect(dir(days('lessThanInclusive', 10), days('greaterThanInclusive', 10))).toEqual(['changed']);
    const reviewed = (value: string): Condition => ({ fact: 'methodFoundationReviewedOn', operator: 'dateOnOrAfter', value });
    expect(dir(reviewed('2025-01-01'), reviewed('2025-06-01'))).toEqual(['stricter']);
    const owner = (value: string[]): Condition => ({ fact: 'ownerType', operator: 'in', value });
    expect(dir(owner(['kommunal', 'regional']), owner(['kommunal']))).toEqual(['stricter']);
    expect(dir(owner(['kommunal']), owner(['kommunal', 'privat']))).toEqual(['looser']);
    const method = (value: string): Condition => ({ fact: 'methodsInUse', operator: 'contains', value });
    expect(dir(method('teacch'), method('krap'))).toEqual(['changed']);
  });

  it('turns the direction around under not', () => {
    const a: Condition = { not: courses('greaterThanInclusive', 3) };
    const b: Condition = { not: courses('greaterThanInclusive', 5) };
    expect(diffConditions({ all: [a] }, { all: [b] }).map((t) => t.direction)).toEqual(['looser']);
  });

  it('calls an added condition under all stricter and under any looser', () => {
    const extra: Condition = { fact: 'staffCount', operator: 'greaterThanInclusive', value: 3 };
    expect(diffConditions({ all: [courses('greaterThan', 1)] }, { all: [courses('greaterThan', 1), extra] })).toEqual([
      { fact: 'staffCount', before: null, after: { operator: 'greaterThanInclusive', value: 3 }, direction: 'stricter' },
    ]);
    expect(diffConditions({ any: [courses('greaterThan', 1)] }, { any: [courses('greaterThan', 1), extra] }).map((t) => t.direction)).toEqual(['looser']);
    expect(diffConditions({ all: [courses('greaterThan', 1), extra] }, { all: [courses('greaterThan', 1)] }).map((t) => t.direction)).toEqual(['looser']);
  });

  it.each([
    ['withinYears 5 → 2', 'fteWithCompetence', { competence: 'autisme-specialviden', withinYears: 5 }, { competence: 'autisme-specialviden', withinYears: 2 }, 'stricter'],
    ['withinYears 2 → 5', 'fteWithCompetence', { competence: 'autisme-specialviden', withinYears: 2 }, { competence: 'autisme-specialviden', withinYears: 5 }, 'looser'],
    ['formalOnly false → true', 'validAgreements', { partnerTypes: ['regionspsykiatri'], formalOnly: false }, { partnerTypes: ['regionspsykiatri'], formalOnly: true }, 'stricter'],
    ['formalOnly added as true', 'validAgreements', { partnerTypes: ['regionspsykiatri'] }, { partnerTypes: ['regionspsykiatri'], formalOnly: true }, 'stricter'],
    ['fewer partner types', 'validAgreements', { partnerTypes: ['regionspsykiatri', 'kommune'] }, { partnerTypes: ['regionspsykiatri'] }, 'stricter'],
    ['a target group filter added', 'citizenCoursesStarted', { withinMonths: 12 }, { withinMonths: 12, targetGroup: 'voksne' }, 'stricter'],
    ['another single filter value', 'fteWithCompetence', { competence: 'a' }, { competence: 'b' }, 'changed'],
  ])('ranks a changed param (%s) under an at-least bound as one change with its direction', (_what, fact, before, after, direction) => {
    const changes = diffConditions({ all: [{ fact, params: before, operator: 'greaterThanInclusive', value: 1 }] }, { all: [{ fact, params: after, operator: 'greaterThanInclusive', value: 1 }] });
    expect(changes).toEqual([{ fact, params: after, paramsBefore: before, before: { operator: 'greaterThanInclusive', value: 1 }, after: { operator: 'greaterThanInclusive', value: 1 }, direction }]);
  });

  it('turns a narrower param around under an upper bound, and calls a narrower param with a lowered bound "changed"', () => {
    const leaf = (withinMonths: number, operator: string, value: number): Condition => ({ fact: 'citizenCoursesStarted', params: { withinMonths }, operator, value });
    expect(diffConditions({ all: [leaf(12, 'lessThan', 5)] }, { all: [leaf(6, 'lessThan', 5)] })[0].direction).toBe('looser');
    expect(diffConditions({ all: [leaf(12, 'greaterThan', 5)] }, { all: [leaf(6, 'greaterThan', 3)] })[0].direction).toBe('changed');
    expect(diffConditions({ all: [leaf(12, 'greaterThan', 5)] }, { all: [leaf(6, 'greaterThan', 6)] })[0].direction).toBe('stricter');
  });

  it('gives a requirement whose param became stricter its transition period (tightened)', () => {
    const to = next((r) => (sf(r, 2).conditions.all[0].params.withinMonths = 6));
    expect([...tightenedRequirementIds(base, to, 'specialfunktion')]).toEqual(['DEM-SF-03']);
  });

  it('matches leaves by fact, path and params, so another params value is a removal plus an addition', () => {
    const a: Condition = { fact: 'fteByProfession', path: '$.psykolog', operator: 'greaterThanInclusive', value: 1 };
    const b: Condition = { fact: 'fteByProfession', path: '$.ergoterapeut', operator: 'greaterThanInclusive', value: 1 };
    expect(diffConditions({ all: [a] }, { all: [b] }).map((t) => [t.path, t.before === null ? 'added' : 'removed'])).toEqual([
      ['$.ergoterapeut', 'added'],
      ['$.psykolog', 'removed'],
    ]);
  });

  it('treats advisory → required as stricter and the reverse as looser', () => {
    const up = diffRulesets(base, next((r) => (sf(r, 5).severity = 'required')));
    expect(up.levels[0].changed[0]).toMatchObject({ id: 'DEM-SF-06', direction: 'stricter', fields: [{ field: 'severity', before: 'advisory', after: 'required' }] });
    const down = diffRulesets(base, next((r) => (sf(r, 0).severity = 'advisory')));
    expect(down.levels[0].changed[0]).toMatchObject({ id: 'DEM-SF-01', direction: 'looser' });
  });

  it('calls a switch between any and all "changed" even when a threshold moved too, so it is never taken for looser', () => {
    const regrouped = next((r) => {
      const group = sf(r, 3).conditions;
      sf(r, 3).conditions = { all: group.any };
      sf(r, 3).conditions.all[0].value = 0;
    });
    const diff = diffRulesets(base, regrouped);
    expect(diff.levels[0].changed[0]).toMatchObject({ id: 'DEM-SF-04', direction: 'changed' });
    expect([...tightenedRequirementIds(base, regrouped, 'specialfunktion')]).not.toContain('DEM-SF-04');
    // An added leaf under the same all is still ranked as it was.
    const added = diffRulesets(base, next((r) => sf(r, 2).conditions.all.push(courses('greaterThanInclusive', 1))));
    expect(added.levels[0].changed[0].direction).toBe('stricter');
  });

  it('calls mixed changes "changed" and wording-only changes "none"', () => {
    const mixed = diffRulesets(base, next((r) => {
      sf(r, 2).conditions.all[0].value = 5;
      sf(r, 2).severity = 'advisory';
    }));
    expect(mixed.levels[0].changed[0].direction).toBe('changed');
    const wording = diffRulesets(base, next((r) => {
      sf(r, 0).title.da = 'Ny titel';
      sf(r, 0).category = 'education';
    }));
    expect(wording.levels[0].changed[0]).toMatchObject({
      direction: 'none',
      fields: [
        { field: 'title', before: 'Mindst 2 årsværk med autismespecifikke metoder', after: 'Ny titel' },
        { field: 'category', before: 'competence', after: 'education' },
      ],
      thresholds: [],
    });
  });

  it('ranks approval-policy changes: a shorter period is stricter, a longer one looser', () => {
    const diff = diffRulesets(base, next((r) => {
      r.levels.specialfunktion.approvalPolicy.validityMonths = 12;
      r.levels.specialfunktion.approvalPolicy.maxEvidenceAgeMonths = 24;
      r.levels.specialfunktion.approvalPolicy.renewalWindowMonths = 3;
    }));
    expect(diff.levels[0].policy).toEqual([
      { field: 'validityMonths', before: 48, after: 12, direction: 'stricter' },
      { field: 'maxEvidenceAgeMonths', before: 12, after: 24, direction: 'looser' },
      { field: 'renewalWindowMonths', before: 6, after: 3, direction: 'stricter' },
    ]);
  });

  it('lists added (required: stricter) and removed (looser) requirements per level, and policy changes', () => {
    const diff = diffRulesets(base, next((r) => {
      r.levels.raadgivningsfunktion.requirements.push({ ...r.levels.raadgivningsfunktion.requirements[1], id: 'DEM-RF-03' });
      r.levels.specialfunktion.requirements.splice(3, 1);
      r.levels.specialfunktion.approvalPolicy.validityMonths = 36;
    }));
    expect(diff.levels[0].removed).toEqual([{ id: 'DEM-SF-04', title: 'Formelt samarbejde med psykiatrien', severity: 'required', change: 'removed', direction: 'looser', fields: [], thresholds: [] }]);
    expect(diff.levels[0].policy).toEqual([{ field: 'validityMonths', before: 48, after: 36, direction: 'stricter' }]);
    expect(diff.levels[1].added).toMatchObject([{ id: 'DEM-RF-03', change: 'added', direction: 'stricter' }]);
  });
});

describe('tightenedRequirementIds', () => {
  const to = next((r) => {
    sf(r, 2).conditions.all[0].value = 5; // stricter
    sf(r, 1).conditions.all[0].value = 50; // looser
    sf(r, 0).title.da = 'Ny titel'; // wording only
    r.levels.specialfunktion.requirements.push({ ...sf(r, 0), id: 'DEM-SF-07' }); // added
    r.levels.raadgivningsfunktion.requirements[1].conditions.all[0].value = 8; // stricter, RF only
  });

  it('gives the added and stricter requirements of a level', () => {
    expect([...tightenedRequirementIds(base, to, 'specialfunktion')].sort()).toEqual(['DEM-SF-03', 'DEM-SF-07']);
  });

  it('includes those of the included level for the rådgivningsfunktion', () => {
    expect([...tightenedRequirementIds(base, to, 'raadgivningsfunktion')].sort()).toEqual(['DEM-RF-02', 'DEM-SF-03', 'DEM-SF-07']);
  });

  it('is empty between equal criteria', () => {
    expect(tightenedRequirementIds(base, base, 'raadgivningsfunktion').size).toBe(0);
  });
});
