import { allMunicipalities, allTilsyn, municipality, regionOf, tilsynOf } from '../../src/geography';

describe('municipalities, regions and socialtilsyn', () => {
  it('knows all 98 municipalities, each under exactly one socialtilsyn', () => {
    expect(allMunicipalities()).toHaveLength(98);
    const perRegion: Record<string, number> = {};
    for (const m of allMunicipalities()) {
      perRegion[m.region] = (perRegion[m.region] ?? 0) + 1;
      expect(allTilsyn()).toContain(tilsynOf(m.kode));
    }
    expect(perRegion).toEqual({ Hovedstaden: 29, Sjælland: 17, Syddanmark: 22, Midtjylland: 19, Nordjylland: 11 });
  });

  it.each([
    ['101', 'København', 'Hovedstaden', 'Hovedstaden'],
    ['851', 'Aalborg', 'Nordjylland', 'Nord'],
    ['461', 'Odense', 'Syddanmark', 'Syd'],
    ['751', 'Aarhus', 'Midtjylland', 'Midt'],
    ['316', 'Holbæk', 'Sjælland', 'Øst'],
    ['400', 'Bornholm', 'Hovedstaden', 'Hovedstaden'],
  ])('places %s %s in region %s under Socialtilsyn %s', (kode, navn, region, tilsyn) => {
    expect(municipality(kode)?.navn).toBe(navn);
    expect(regionOf(kode)).toBe(region);
    expect(tilsynOf(kode)).toBe(tilsyn);
  });

  it('does not know codes that are not municipalities', () => {
    expect(municipality('411')).toBeUndefined();
    expect(tilsynOf('999')).toBeUndefined();
  });
});
