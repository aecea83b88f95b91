import Ajv2020 from 'ajv/dist/2020';
import { SCHEMA_ERROR_CODES, schemaProblems, validateAgainst, type SchemaName } from '../../src/schemas';
import { eligibleEvidence, ruleset } from '../support/builders';

/** Phrases ajv writes in its own (English) messages: none may reach an author or a client. */
const AJV_ENGLISH = /\bmust\b|\bshould\b|required property|additional propert|NOT have|equal to one of|match (?:pattern|format|schema)|fewer than|more than|boolean schema/i;

type Json = Record<string, any>;

function withConditions(conditions: unknown): Json {
  const r = ruleset() as unknown as Json;
  r.levels.specialfunktion.requirements[0].conditions = conditions;
  return r;
}

const leaf = { fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: 3 };

const malformed: [string, SchemaName, unknown][] = [
  ['a bare leaf under conditions', 'ruleset', withConditions(leaf)],
  ['a not holding a list', 'ruleset', withConditions({ not: [leaf] })],
  ['an empty all', 'ruleset', withConditions({ all: [] })],
  ['an all and an any in one group', 'ruleset', withConditions({ all: [leaf], any: [leaf] })],
  ['a leaf without an operator', 'ruleset', withConditions({ all: [{ fact: 'citizenCoursesStarted', value: 3 }] })],
  ['a string where the conditions go', 'ruleset', withConditions('alle')],
  ['a rule set of the wrong types everywhere', 'ruleset', { speciale: 7, version: 1, status: 'udkast', effectiveFrom: '1. marts', levels: [], extra: true }],
  ['an empty object as rule set', 'ruleset', {}],
  ['an array as rule set', 'ruleset', []],
  ['evidence with fields of the wrong type', 'evidence', { ...(eligibleEvidence() as unknown as Json), staff: 'mange', reportingDate: 20260101, unknown: 1 }],
  ['evidence as null', 'evidence', null],
  ['a case without its parts', 'case', { name: 1 }],
];

describe('the one Danish message table for schema errors', () => {
  it.each(malformed)('answers %s in Danish, each problem with a pointer and a code', (_what, schema, value) => {
    const problems = validateAgainst(schema, value);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.pointer).toMatch(/^(?:\/.*)?$/);
      expect(SCHEMA_ERROR_CODES).toContain(problem.code);
      expect(problem.message).not.toMatch(AJV_ENGLISH);
    }
  });

  it('names the missing property itself, not the object holding it', () => {
    const r = ruleset() as unknown as Json;
    delete r.version;
    expect(validateAgainst('ruleset', r)).toEqual([expect.objectContaining({ pointer: '/version', code: 'required-property-missing' })]);
  });

  it('translates every keyword ajv can report, falling back to a Danish sentence for one it does not know', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const schema = {
      type: 'object',
      properties: {
        a: { not: { type: 'string' } },
        b: { contains: { const: 1 } },
        c: { dependentRequired: { x: ['y'] } },
        d: { propertyNames: { pattern: '^[a-z]+$' } },
        e: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
        f: { multipleOf: 3 },
        g: { maxProperties: 1 },
        h: false,
      },
    };
    const validate = ajv.compile(schema);
    validate({ a: 'x', b: [2], c: { x: 1 }, d: { A: 1 }, e: 1, f: 4, g: { p: 1, q: 2 }, h: 1 });
    const problems = schemaProblems(validate.errors);
    expect(problems.map((p) => [p.pointer, p.code])).toEqual(
      expect.arrayContaining([
        ['/a', 'forbidden-form'],
        ['/b', 'missing-required-item'],
        ['/c/y', 'dependent-property-missing'],
        ['/d', 'invalid-property-name'],
        ['/e', 'several-matching-alternatives'],
        ['/f', 'not-a-multiple'],
        ['/g', 'too-many-properties'],
        ['/h', 'value-not-allowed'],
      ]),
    );
    const unknownKeyword = schemaProblems([{ keyword: 'someday', instancePath: '/x', schemaPath: '#', params: {}, message: 'must be someday' }]);
    expect(unknownKeyword).toEqual([{ pointer: '/x', code: 'invalid-value', message: expect.not.stringMatching(AJV_ENGLISH) }]);
    for (const problem of problems) expect(problem.message).not.toMatch(AJV_ENGLISH);
  });

  it('gives codes in kebab-case', () => {
    for (const code of SCHEMA_ERROR_CODES) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});
