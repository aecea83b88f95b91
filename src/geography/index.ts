import kommunerData from './kommuner.json';
import { isRegion, isTilsynId, REGIONS, TILSYN_IDS, type Region, type Tilsyn } from './names';
import socialtilsynData from './socialtilsyn.json';

/**
 * Denmark's municipalities, regions and the five socialtilsyn, loaded from data shipped with the
 * service (kommuner.json, socialtilsyn.json) rather than written as code: a 2025 bill lets the
 * minister decide which municipalities act as socialtilsyn, so who supervises which municipality
 * can change by editing socialtilsyn.json (a whole region via `regioner`, a single municipality via
 * `undtagelser`). The data are validated once, when this module is loaded; invalid data stop the
 * service from starting with a list of every fault.
 */

export { REGIONS, TILSYN_IDS, type Region, type Tilsyn } from './names';

export interface Municipality {
  /** Official 3-digit kommunekode, e.g. "101". */
  readonly kode: string;
  /** Danish name without "Kommune", e.g. "København". */
  readonly navn: string;
  readonly region: Region;
}

export interface TilsynInfo {
  readonly id: Tilsyn;
  /** e.g. "Socialtilsyn Nord". */
  readonly navn: string;
  /** kommunekode of the municipality that runs this socialtilsyn. */
  readonly vaertskommune: string;
  /** Regions covered as a whole (single municipalities may be moved by `undtagelser`). */
  readonly regioner: readonly Region[];
}

/** The geography data files are invalid; `problems` holds one line per fault. */
export class GeographyDataError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Geografidata (src/geography/*.json) er ugyldige:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'GeographyDataError';
    this.problems = problems;
  }
}

export interface Geography {
  municipality(kode: string): Municipality | undefined;
  allMunicipalities(): readonly Municipality[];
  regionOf(kode: string): Region | undefined;
  tilsynOf(kode: string): Tilsyn | undefined;
  allTilsyn(): readonly Tilsyn[];
  tilsynInfo(id: string): TilsynInfo | undefined;
  allTilsynInfo(): readonly TilsynInfo[];
  municipalitiesOf(id: string): readonly Municipality[];
  allRegions(): readonly Region[];
}

const KOMMUNER_FILE = 'kommuner.json';
const TILSYN_FILE = 'socialtilsyn.json';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function unknownFields(where: string, value: Record<string, unknown>, allowed: readonly string[], problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${where}: ukendt felt ${show(key)} (tilladte felter: ${allowed.join(', ')})`);
  }
}

/**
 * Validates the two data files and builds the lookups. Throws GeographyDataError listing every
 * fault: codes not exactly 3 digits or duplicated, unknown regions, a region covered by no
 * tilsyn or by more than one, an unknown host municipality, an override naming an unknown
 * municipality or tilsyn, a tilsyn covering no municipality.
 */
export function buildGeography(kommuner: unknown, socialtilsyn: unknown): Geography {
  const problems: string[] = [];

  // --- kommuner.json
  const municipalities: Municipality[] = [];
  if (!Array.isArray(kommuner)) {
    problems.push(`${KOMMUNER_FILE}: skal være en liste af { "kode", "navn", "region" }`);
  } else {
    const seenKode = new Map<string, number>();
    const seenNavn = new Map<string, number>();
    kommuner.forEach((entry: unknown, i) => {
      const at = `${KOMMUNER_FILE}[${i}]`;
      if (!isRecord(entry)) {
        problems.push(`${at}: skal være et objekt { "kode", "navn", "region" }`);
        return;
      }
      unknownFields(at, entry, ['kode', 'navn', 'region'], problems);
      const { kode, navn, region } = entry;
      let ok = true;
      if (typeof kode !== 'string' || !/^[0-9]{3}$/.test(kode)) {
        problems.push(`${at}.kode: ${show(kode)} skal være en kommunekode på præcis 3 cifre, fx "101"`);
        ok = false;
      } else if (seenKode.has(kode)) {
        problems.push(`${at}.kode: ${kode} er allerede brugt i ${KOMMUNER_FILE}[${seenKode.get(kode)}]`);
        ok = false;
      } else {
        seenKode.set(kode, i);
      }
      if (typeof navn !== 'string' || navn.trim() === '') {
        problems.push(`${at}.navn: skal være kommunens navn (ikke-tom tekst)`);
        ok = false;
      } else if (seenNavn.has(navn)) {
        problems.push(`${at}.navn: ${show(navn)} er allerede brugt i ${KOMMUNER_FILE}[${seenNavn.get(navn)}]`);
        ok = false;
      } else {
        seenNavn.set(navn, i);
      }
      if (!isRegion(region)) {
        problems.push(`${at}.region: ${show(region)} er ikke en region; brug en af: ${REGIONS.join(', ')}`);
        ok = false;
      }
      if (ok) municipalities.push(Object.freeze({ kode: kode as string, navn: navn as string, region: region as Region }));
    });
  }
  const byKode = new Map(municipalities.map((m) => [m.kode, m]));

  // --- socialtilsyn.json
  const tilsyn: TilsynInfo[] = [];
  const overrides = new Map<string, Tilsyn>();
  if (!isRecord(socialtilsyn)) {
    problems.push(`${TILSYN_FILE}: skal være et objekt { "socialtilsyn": [...], "undtagelser": {...} }`);
  } else {
    unknownFields(TILSYN_FILE, socialtilsyn, ['_note', 'socialtilsyn', 'undtagelser'], problems);
    const list = socialtilsyn.socialtilsyn;
    if (!Array.isArray(list)) {
      problems.push(`${TILSYN_FILE}.socialtilsyn: skal være en liste af { "id", "navn", "vaertskommune", "regioner" }`);
    } else {
      const seenId = new Set<string>();
      list.forEach((entry: unknown, i) => {
        const at = `${TILSYN_FILE}.socialtilsyn[${i}]`;
        if (!isRecord(entry)) {
          problems.push(`${at}: skal være et objekt { "id", "navn", "vaertskommune", "regioner" }`);
          return;
        }
        unknownFields(at, entry, ['id', 'navn', 'vaertskommune', 'regioner'], problems);
        const { id, navn, vaertskommune, regioner } = entry;
        let ok = true;
        if (!isTilsynId(id)) {
          problems.push(`${at}.id: ${show(id)} er ikke et kendt socialtilsyn; brug en af: ${TILSYN_IDS.join(', ')}`);
          ok = false;
        } else if (seenId.has(id)) {
          problems.push(`${at}.id: ${id} står mere end én gang`);
          ok = false;
        } else {
          seenId.add(id);
        }
        if (typeof navn !== 'string' || navn.trim() === '') {
          problems.push(`${at}.navn: skal være tilsynets navn, fx "Socialtilsyn Nord"`);
          ok = false;
        }
        if (typeof vaertskommune !== 'string' || !byKode.has(vaertskommune)) {
          problems.push(`${at}.vaertskommune: ${show(vaertskommune)} er ikke en kommunekode i ${KOMMUNER_FILE}`);
          ok = false;
        }
        const regions: Region[] = [];
        if (!Array.isArray(regioner)) {
          problems.push(`${at}.regioner: skal være en liste af regioner (${REGIONS.join(', ')})`);
          ok = false;
        } else {
          regioner.forEach((r: unknown, j) => {
            if (!isRegion(r)) {
              problems.push(`${at}.regioner[${j}]: ${show(r)} er ikke en region; brug en af: ${REGIONS.join(', ')}`);
              ok = false;
            } else if (regions.includes(r)) {
              problems.push(`${at}.regioner[${j}]: ${r} står mere end én gang`);
              ok = false;
            } else {
              regions.push(r);
            }
          });
        }
        if (ok) {
          tilsyn.push(
            Object.freeze({ id: id as Tilsyn, navn: navn as string, vaertskommune: vaertskommune as string, regioner: Object.freeze(regions) }),
          );
        }
      });
    }

    const undtagelser = socialtilsyn.undtagelser ?? {};
    if (!isRecord(undtagelser)) {
      problems.push(`${TILSYN_FILE}.undtagelser: skal være et objekt { "<kommunekode>": "<tilsyn-id>" }`);
    } else {
      for (const [kode, id] of Object.entries(undtagelser)) {
        const at = `${TILSYN_FILE}.undtagelser.${kode}`;
        if (!byKode.has(kode)) problems.push(`${at}: ${show(kode)} er ikke en kommunekode i ${KOMMUNER_FILE}`);
        else if (!isTilsynId(id) || !tilsyn.some((t) => t.id === id)) {
          problems.push(`${at}: ${show(id)} er ikke et socialtilsyn i ${TILSYN_FILE}.socialtilsyn`);
        } else overrides.set(kode, id);
      }
    }
  }

  // --- coverage: every municipality belongs to exactly one tilsyn
  const coveredBy = new Map<Region, Tilsyn[]>(REGIONS.map((r) => [r, []]));
  for (const t of tilsyn) for (const r of t.regioner) coveredBy.get(r)!.push(t.id);
  for (const region of REGIONS) {
    const covering = coveredBy.get(region)!;
    if (covering.length > 1) {
      problems.push(`${TILSYN_FILE}: region ${region} dækkes af flere tilsyn (${covering.join(', ')}); hver region må kun stå under ét tilsyn (brug "undtagelser" for enkelte kommuner)`);
    }
    const uncovered = municipalities.filter((m) => m.region === region && !overrides.has(m.kode));
    if (covering.length === 0 && uncovered.length > 0) {
      problems.push(
        `${TILSYN_FILE}: region ${region} dækkes ikke af noget tilsyn, så ${uncovered.length} kommune(r) mangler et tilsyn (fx ${uncovered[0].kode} ${uncovered[0].navn}); tilføj regionen til et tilsyns "regioner" eller kommunerne til "undtagelser"`,
      );
    }
  }

  const tilsynByKode = new Map<string, Tilsyn>();
  for (const m of municipalities) {
    const id = overrides.get(m.kode) ?? coveredBy.get(m.region)?.[0];
    if (id !== undefined) tilsynByKode.set(m.kode, id);
  }
  const municipalitiesByTilsyn = new Map<Tilsyn, Municipality[]>(tilsyn.map((t) => [t.id, []]));
  for (const m of municipalities) {
    const id = tilsynByKode.get(m.kode);
    if (id !== undefined) municipalitiesByTilsyn.get(id)?.push(m);
  }
  for (const t of tilsyn) {
    if ((municipalitiesByTilsyn.get(t.id) ?? []).length === 0) {
      problems.push(`${TILSYN_FILE}: ${t.navn} (${t.id}) dækker ingen kommuner`);
    }
  }
  if (municipalities.length === 0 && Array.isArray(kommuner) && kommuner.length === 0) problems.push(`${KOMMUNER_FILE}: listen er tom`);

  if (problems.length > 0) throw new GeographyDataError(problems);

  const allMunicipalities = Object.freeze([...municipalities].sort((a, b) => a.kode.localeCompare(b.kode)));
  const allTilsynInfo = Object.freeze([...tilsyn]);
  const allTilsyn = Object.freeze(tilsyn.map((t) => t.id));
  const tilsynById = new Map<string, TilsynInfo>(tilsyn.map((t) => [t.id, t]));
  const regions = Object.freeze(REGIONS.filter((r) => municipalities.some((m) => m.region === r)));
  const frozenByTilsyn = new Map<string, readonly Municipality[]>(
    [...municipalitiesByTilsyn].map(([id, ms]) => [id, Object.freeze([...ms].sort((a, b) => a.kode.localeCompare(b.kode)))]),
  );

  return {
    municipality: (kode) => byKode.get(kode),
    allMunicipalities: () => allMunicipalities,
    regionOf: (kode) => byKode.get(kode)?.region,
    tilsynOf: (kode) => tilsynByKode.get(kode),
    allTilsyn: () => allTilsyn,
    tilsynInfo: (id) => tilsynById.get(id),
    allTilsynInfo: () => allTilsynInfo,
    municipalitiesOf: (id) => frozenByTilsyn.get(id) ?? [],
    allRegions: () => regions,
  };
}

const geography = buildGeography(kommunerData as unknown, socialtilsynData as unknown);

/** The municipality with this 3-digit kommunekode, or undefined. */
export function municipality(kode: string): Municipality | undefined {
  return geography.municipality(kode);
}
/** All 98 municipalities, by kommunekode. */
export function allMunicipalities(): readonly Municipality[] {
  return geography.allMunicipalities();
}
/** The region of the municipality, or undefined for an unknown kommunekode. */
export function regionOf(kode: string): Region | undefined {
  return geography.regionOf(kode);
}
/** The socialtilsyn that supervises providers in this municipality, or undefined for an unknown kommunekode. */
export function tilsynOf(kode: string): Tilsyn | undefined {
  return geography.tilsynOf(kode);
}
/** The ids of the socialtilsyn in the data, e.g. for validating a query parameter. */
export function allTilsyn(): readonly Tilsyn[] {
  return geography.allTilsyn();
}
/** Whether the value is the id of a socialtilsyn in the data (an inspector works for one of these). */
export function isTilsyn(value: unknown): value is Tilsyn {
  return typeof value === 'string' && (geography.allTilsyn() as readonly string[]).includes(value);
}
/** Name, host municipality and regions of one socialtilsyn, or undefined. */
export function tilsynInfo(id: string): TilsynInfo | undefined {
  return geography.tilsynInfo(id);
}
export function allTilsynInfo(): readonly TilsynInfo[] {
  return geography.allTilsynInfo();
}
/** The municipalities one socialtilsyn covers (empty for an unknown id). */
export function municipalitiesOf(id: string): readonly Municipality[] {
  return geography.municipalitiesOf(id);
}
/** The regions that have municipalities, in kommunekode order. */
export function allRegions(): readonly Region[] {
  return geography.allRegions();
}
