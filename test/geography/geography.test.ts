import kommunerData from '../../src/geography/kommuner.json';
import socialtilsynData from '../../src/geography/socialtilsyn.json';
import {
  allMunicipalities,
  allRegions,
  allTilsyn,
  allTilsynInfo,
  buildGeography,
  GeographyDataError,
  municipalitiesOf,
  municipality,
  regionOf,
  tilsynInfo,
  tilsynOf,
} from '../../src/geography';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
type TilsynFileShape = { socialtilsyn: { id: string; navn: string; vaertskommune: string; regioner: string[] }[]; undtagelser?: Record<string, string> };
const tilsynFile = (): TilsynFileShape => clone(socialtilsynData) as TilsynFileShape;
const kommuner = (): { kode: string; navn: string; region: string }[] => clone(kommunerData);

function problemsOf(k: unknown, t: unknown): readonly string[] {
  try {
    buildGeography(k, t);
  } catch (e) {
    expect(e).toBeInstanceOf(GeographyDataError);
    expect((e as Error).message).toContain('Geografidata');
    return (e as GeographyDataError).problems;
  }
  throw new Error('expected GeographyDataError');
}

describe('the shipped geography data', () => {
  it('has all 98 municipalities with unique 3-digit codes and unique names', () => {
    const all = allMunicipalities();
    expect(all).toHaveLength(98);
    expect(new Set(all.map((m) => m.kode)).size).toBe(98);
    expect(new Set(all.map((m) => m.navn)).size).toBe(98);
    for (const m of all) expect(m.kode).toMatch(/^[0-9]{3}$/);
    expect(all.map((m) => m.kode)).toEqual([...all.map((m) => m.kode)].sort());
  });

  it('has the official number of municipalities per region', () => {
    const perRegion: Record<string, number> = {};
    for (const m of allMunicipalities()) perRegion[m.region] = (perRegion[m.region] ?? 0) + 1;
    expect(perRegion).toEqual({ Hovedstaden: 29, Sjælland: 17, Syddanmark: 22, Midtjylland: 19, Nordjylland: 11 });
    expect(allRegions()).toEqual(['Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland']);
  });

  it('places every municipality under exactly one socialtilsyn', () => {
    const covered = allTilsyn().flatMap((id) => municipalitiesOf(id).map((m) => m.kode));
    expect(covered).toHaveLength(98);
    expect(new Set(covered).size).toBe(98);
    for (const m of allMunicipalities()) {
      const id = tilsynOf(m.kode);
      expect(allTilsyn()).toContain(id);
      expect(municipalitiesOf(id as string)).toContainEqual(m);
    }
  });

  it.each([
    ['101', 'København', 'Hovedstaden', 'Hovedstaden'],
    ['147', 'Frederiksberg', 'Hovedstaden', 'Hovedstaden'],
    ['400', 'Bornholm', 'Hovedstaden', 'Hovedstaden'],
    ['260', 'Halsnæs', 'Hovedstaden', 'Hovedstaden'],
    ['270', 'Gribskov', 'Hovedstaden', 'Hovedstaden'],
    ['851', 'Aalborg', 'Nordjylland', 'Nord'],
    ['860', 'Hjørring', 'Nordjylland', 'Nord'],
    ['825', 'Læsø', 'Nordjylland', 'Nord'],
    ['773', 'Morsø', 'Nordjylland', 'Nord'],
    ['461', 'Odense', 'Syddanmark', 'Syd'],
    ['492', 'Ærø', 'Syddanmark', 'Syd'],
    ['563', 'Fanø', 'Syddanmark', 'Syd'],
    ['630', 'Vejle', 'Syddanmark', 'Syd'],
    ['751', 'Aarhus', 'Midtjylland', 'Midt'],
    ['741', 'Samsø', 'Midtjylland', 'Midt'],
    ['615', 'Horsens', 'Midtjylland', 'Midt'],
    ['316', 'Holbæk', 'Sjælland', 'Øst'],
    ['330', 'Slagelse', 'Sjælland', 'Øst'],
    ['340', 'Sorø', 'Sjælland', 'Øst'],
  ])('places %s %s in region %s under Socialtilsyn %s', (kode, navn, region, tilsyn) => {
    expect(municipality(kode)).toEqual({ kode, navn, region });
    expect(regionOf(kode)).toBe(region);
    expect(tilsynOf(kode)).toBe(tilsyn);
  });

  it.each(['411', '999', '000', '0101', '101 ', '', '__proto__', 'constructor', 'toString'])('does not know %j', (kode) => {
    expect(municipality(kode)).toBeUndefined();
    expect(regionOf(kode)).toBeUndefined();
    expect(tilsynOf(kode)).toBeUndefined();
  });

  it('describes the five socialtilsyn with their host municipality and regions', () => {
    expect(allTilsyn()).toEqual(['Nord', 'Midt', 'Syd', 'Hovedstaden', 'Øst']);
    const hosts = Object.fromEntries(allTilsynInfo().map((t) => [t.id, [t.navn, municipality(t.vaertskommune)?.navn, t.regioner]]));
    expect(hosts).toEqual({
      Nord: ['Socialtilsyn Nord', 'Hjørring', ['Nordjylland']],
      Midt: ['Socialtilsyn Midt', 'Silkeborg', ['Midtjylland']],
      Syd: ['Socialtilsyn Syd', 'Faaborg-Midtfyn', ['Syddanmark']],
      Hovedstaden: ['Socialtilsyn Hovedstaden', 'Frederiksberg', ['Hovedstaden']],
      Øst: ['Socialtilsyn Øst', 'Holbæk', ['Sjælland']],
    });
    expect(tilsynInfo('Nord')?.navn).toBe('Socialtilsyn Nord');
    expect(tilsynInfo('Vest')).toBeUndefined();
    expect(municipalitiesOf('Vest')).toEqual([]);
    expect(municipalitiesOf('Nord')).toHaveLength(11);
  });

  it('hands out frozen data, so callers cannot change the mapping', () => {
    expect(Object.isFrozen(allMunicipalities())).toBe(true);
    expect(Object.isFrozen(municipality('101'))).toBe(true);
    expect(Object.isFrozen(allTilsyn())).toBe(true);
  });
});

describe('validating the geography data on load', () => {
  it('accepts the shipped files', () => {
    expect(() => buildGeography(kommuner(), tilsynFile())).not.toThrow();
  });

  it('lets one municipality move to another tilsyn without moving its region', () => {
    const t = tilsynFile();
    t.undtagelser = { '400': 'Øst' };
    const g = buildGeography(kommuner(), t);
    expect(g.tilsynOf('400')).toBe('Øst');
    expect(g.regionOf('400')).toBe('Hovedstaden');
    expect(g.tilsynOf('101')).toBe('Hovedstaden');
    expect(g.municipalitiesOf('Øst')).toHaveLength(18);
    expect(g.municipalitiesOf('Hovedstaden')).toHaveLength(28);
  });

  it('lets a region move to another tilsyn', () => {
    const t = tilsynFile();
    t.socialtilsyn = t.socialtilsyn.filter((x) => x.id !== 'Øst');
    t.socialtilsyn.find((x) => x.id === 'Hovedstaden')!.regioner.push('Sjælland');
    const g = buildGeography(kommuner(), t);
    expect(g.tilsynOf('316')).toBe('Hovedstaden');
    expect(g.allTilsyn()).not.toContain('Øst');
  });

  it('refuses codes that are not exactly 3 digits, duplicates and unknown regions', () => {
    const k = kommuner();
    k[0].kode = '0101';
    k[1].kode = k[2].kode;
    k[3].region = 'Fyn';
    const problems = problemsOf(k, tilsynFile());
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/kommuner\.json\[0\]\.kode: "0101" skal være en kommunekode på præcis 3 cifre/),
        expect.stringMatching(/kommuner\.json\[2\]\.kode: .* er allerede brugt i kommuner\.json\[1\]/),
        expect.stringMatching(/kommuner\.json\[3\]\.region: "Fyn" er ikke en region/),
      ]),
    );
  });

  it('refuses a misspelt field', () => {
    const k = kommuner() as Record<string, unknown>[];
    k[5] = { kode: k[5].kode, navn: k[5].navn, regoin: 'Hovedstaden' };
    expect(problemsOf(k, tilsynFile())).toEqual(expect.arrayContaining([expect.stringContaining('ukendt felt "regoin"')]));
  });

  it('refuses a region covered by two tilsyn', () => {
    const t = tilsynFile();
    t.socialtilsyn[0].regioner.push('Midtjylland');
    expect(problemsOf(kommuner(), t)).toEqual(expect.arrayContaining([expect.stringMatching(/region Midtjylland dækkes af flere tilsyn \(Nord, Midt\)/)]));
  });

  it('refuses a region covered by no tilsyn', () => {
    const t = tilsynFile();
    t.socialtilsyn.find((x) => x.id === 'Øst')!.regioner = [];
    const problems = problemsOf(kommuner(), t);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/region Sjælland dækkes ikke af noget tilsyn, så 17 kommune/), expect.stringContaining('Øst) dækker ingen kommuner')]),
    );
  });

  it('accepts an uncovered region when every one of its municipalities is moved by an override', () => {
    const t = tilsynFile();
    t.socialtilsyn = t.socialtilsyn.filter((x) => x.id !== 'Nord');
    t.undtagelser = Object.fromEntries(kommuner().filter((m) => m.region === 'Nordjylland').map((m) => [m.kode, 'Midt']));
    const g = buildGeography(kommuner(), t);
    expect(g.tilsynOf('851')).toBe('Midt');
    expect(g.regionOf('851')).toBe('Nordjylland');
  });

  it('refuses unknown tilsyn ids, duplicate ids, unknown host municipalities and bad overrides', () => {
    const t = tilsynFile();
    t.socialtilsyn[0].vaertskommune = 'Hjørring';
    t.socialtilsyn[1].id = 'Vest';
    t.socialtilsyn[2].id = 'Nord';
    t.undtagelser = { '411': 'Nord', '101': 'Vest' };
    const problems = problemsOf(kommuner(), t);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/socialtilsyn\[0\]\.vaertskommune: "Hjørring" er ikke en kommunekode/),
        expect.stringMatching(/socialtilsyn\[1\]\.id: "Vest" er ikke et kendt socialtilsyn/),
        expect.stringMatching(/socialtilsyn\[2\]\.id: Nord står mere end én gang/),
        expect.stringMatching(/undtagelser\.411: "411" er ikke en kommunekode/),
        expect.stringMatching(/undtagelser\.101: "Vest" er ikke et socialtilsyn/),
      ]),
    );
  });

  it('refuses files of the wrong shape', () => {
    expect(problemsOf({}, tilsynFile())[0]).toMatch(/kommuner\.json: skal være en liste/);
    expect(problemsOf(kommuner(), [])[0]).toMatch(/socialtilsyn\.json: skal være et objekt/);
    expect(problemsOf(kommuner(), { socialtilsyn: 'Nord' })).toEqual(expect.arrayContaining([expect.stringMatching(/socialtilsyn\.json\.socialtilsyn: skal være en liste/)]));
  });
});
