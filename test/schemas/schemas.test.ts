import { schemaValidator, validateAgainst } from '../../src/schemas';
import { eligibleEvidence, ruleset } from '../support/builders';

describe('the JSON Schemas in schemas/', () => {
  it.each(['ruleset', 'evidence', 'case'] as const)('%s compiles under ajv strict mode', (name) => {
    expect(() => schemaValidator(name)).not.toThrow();
  });

  it('accepts a well-formed rule set and evidence', () => {
    expect(validateAgainst('ruleset', ruleset())).toEqual([]);
    expect(validateAgainst('evidence', eligibleEvidence())).toEqual([]);
  });

  it('reports every error with its pointer, not just the first', () => {
    const ev = eligibleEvidence() as unknown as Record<string, unknown>;
    const problems = validateAgainst('evidence', { ...ev, reportingDate: 'i går', provider: { ...(ev.provider as object), ownerType: 'kooperativ', extra: 1 } });
    expect(problems.map((p) => p.pointer).sort()).toEqual(['/provider/extra', '/provider/ownerType', '/reportingDate']);
  });

  it('requires the rådgivningsfunktion to include the specialfunktion by reference', () => {
    const r = ruleset() as unknown as { levels: { raadgivningsfunktion: Record<string, unknown> } };
    delete r.levels.raadgivningsfunktion.includesLevel;
    expect(validateAgainst('ruleset', r)).toEqual([{ pointer: '/levels/raadgivningsfunktion/includesLevel', code: 'required-property-missing', message: expect.any(String) }]);
  });
});
