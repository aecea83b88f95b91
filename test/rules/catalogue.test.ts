import { RulesCatalogue } from '../../src/rules/catalogue';
import { baseRuleset } from './helpers';

const v = (version: string, effectiveFrom: string, extra: Parameters<typeof baseRuleset>[0] = {}) => baseRuleset({ version, effectiveFrom, ...extra });

describe('RulesCatalogue', () => {
  const catalogue = new RulesCatalogue([
    v('1.1.0', '2027-07-01'),
    v('1.0.0', '2026-01-01'),
    v('1.2.0', '2028-01-01', { status: 'draft' }),
    v('1.10.0', '2029-01-01', { effectiveTo: '2029-12-31' }),
    v('0.9.0', '2025-01-01', { status: 'retired' }),
    baseRuleset({ speciale: 'andet', title: { da: 'Andet speciale' } }),
  ]);

  it('lists specialer with their title and versions, lowest version first', () => {
    expect(catalogue.specialer()).toEqual([
      { speciale: 'andet', title: { da: 'Andet speciale' }, versions: ['1.0.0'] },
      { speciale: 'demo', title: baseRuleset().title, versions: ['0.9.0', '1.0.0', '1.1.0', '1.2.0', '1.10.0'] },
    ]);
    expect(catalogue.versions('demo').map((r) => r.version)).toEqual(['0.9.0', '1.0.0', '1.1.0', '1.2.0', '1.10.0']);
    expect(catalogue.versions('ukendt')).toEqual([]);
  });

  it('holds rule sets without the editor\'s "$schema", which is no part of their content', () => {
    expect(baseRuleset().$schema).toBeDefined();
    expect(catalogue.versions('demo').every((r) => !('$schema' in r))).toBe(true);
    const { $schema: _reference, ...content } = baseRuleset();
    expect(catalogue.get('andet', '1.0.0')).toEqual({ ...content, speciale: 'andet', title: { da: 'Andet speciale' } });
  });

  it('gets one version', () => {
    expect(catalogue.get('demo', '1.1.0')?.effectiveFrom).toBe('2027-07-01');
    expect(catalogue.get('demo', '9.9.9')).toBeUndefined();
  });

  it('puts a published version in force until the day before the next one, or its own effectiveTo', () => {
    expect(catalogue.inForceOn('demo', '2025-06-01')).toBeUndefined(); // 0.9.0 is retired
    expect(catalogue.inForceOn('demo', '2026-01-01')?.version).toBe('1.0.0');
    expect(catalogue.inForceOn('demo', '2027-06-30')?.version).toBe('1.0.0');
    expect(catalogue.inForceOn('demo', '2027-07-01')?.version).toBe('1.1.0');
    expect(catalogue.inForceOn('demo', '2028-06-01')?.version).toBe('1.1.0'); // 1.2.0 is a draft
    expect(catalogue.inForceOn('demo', '2029-12-31')?.version).toBe('1.10.0');
    expect(catalogue.inForceOn('demo', '2030-01-01')).toBeUndefined(); // 1.10.0 ended without a successor
    expect(catalogue.inForceOn('ukendt', '2027-01-01')).toBeUndefined();
  });

  it('gives the period each published version is in force', () => {
    expect(catalogue.inForcePeriod('demo', '1.0.0')).toEqual({ from: '2026-01-01', until: '2027-06-30' });
    expect(catalogue.inForcePeriod('demo', '1.1.0')).toEqual({ from: '2027-07-01', until: '2028-12-31' });
    expect(catalogue.inForcePeriod('demo', '1.10.0')).toEqual({ from: '2029-01-01', until: '2029-12-31' });
    expect(catalogue.inForcePeriod('demo', '1.2.0')).toBeUndefined();
    expect(catalogue.inForcePeriod('andet', '1.0.0')).toEqual({ from: '2026-01-01', until: null });
  });

  it('ends a version at its own effectiveTo when that comes before the next version', () => {
    const c = new RulesCatalogue([v('1.0.0', '2026-01-01', { effectiveTo: '2026-06-30' }), v('1.1.0', '2027-01-01')]);
    expect(c.inForcePeriod('demo', '1.0.0')).toEqual({ from: '2026-01-01', until: '2026-06-30' });
    expect(c.inForceOn('demo', '2026-09-01')).toBeUndefined();
    expect(c.inForceOn('demo', '2027-01-01')?.version).toBe('1.1.0');
  });

  it('finds the previous and the latest published version', () => {
    expect(catalogue.previousPublished('demo', '1.10.0')?.version).toBe('1.1.0');
    expect(catalogue.previousPublished('demo', '1.1.0')?.version).toBe('1.0.0');
    expect(catalogue.previousPublished('demo', '1.0.0')).toBeUndefined();
    expect(catalogue.latestPublished('demo')?.version).toBe('1.10.0');
  });

  it('refuses the same version twice', () => {
    expect(() => new RulesCatalogue([v('1.0.0', '2026-01-01'), v('1.0.0', '2026-01-01')])).toThrow("version 1.0.0 af 'demo' er indlæst to gange");
  });
});
