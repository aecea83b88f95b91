import kommunerJson from './kommuner.json';
import socialtilsynJson from './socialtilsyn.json';

/**
 * Municipalities → regions → socialtilsyn, loaded from the data files beside this module and checked once.
 */

export type Tilsyn = 'Nord' | 'Midt' | 'Syd' | 'Hovedstaden' | 'Øst';
export type Region = 'Hovedstaden' | 'Sjælland' | 'Syddanmark' | 'Midtjylland' | 'Nordjylland';

export interface Municipality {
  kode: string;
  navn: string;
  region: Region;
}

export interface SocialtilsynInfo {
  id: Tilsyn;
  navn: string;
  vaertskommune: string;
  regioner: Region[];
}

interface TilsynFile {
  tilsyn: SocialtilsynInfo[];
  kommuneOverrides: Record<string, Tilsyn>;
}

const REGIONS: readonly Region[] = ['Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland'];

function load() {
  const municipalities = kommunerJson as Municipality[];
  const file = socialtilsynJson as unknown as TilsynFile;
  const problems: string[] = [];
  const byCode = new Map<string, Municipality>();
  for (const m of municipalities) {
    if (!/^\d{3}$/.test(m.kode)) problems.push(`kommunekode ${m.kode}: must be 3 digits`);
    if (byCode.has(m.kode)) problems.push(`kommunekode ${m.kode}: listed twice`);
    if (!REGIONS.includes(m.region)) problems.push(`kommunekode ${m.kode}: unknown region ${m.region}`);
    byCode.set(m.kode, m);
  }
  const tilsynByRegion = new Map<Region, Tilsyn>();
  for (const t of file.tilsyn) {
    for (const region of t.regioner) {
      if (tilsynByRegion.has(region)) problems.push(`region ${region}: covered by both ${tilsynByRegion.get(region)} and ${t.id}`);
      tilsynByRegion.set(region, t.id);
    }
  }
  for (const region of REGIONS) if (!tilsynByRegion.has(region)) problems.push(`region ${region}: no socialtilsyn covers it`);
  for (const kode of Object.keys(file.kommuneOverrides)) if (!byCode.has(kode)) problems.push(`kommuneOverrides: unknown kommunekode ${kode}`);
  if (problems.length > 0) throw new Error(`invalid geography data:\n  ${problems.join('\n  ')}`);
  return { byCode, tilsynByRegion, file };
}

const { byCode, tilsynByRegion, file } = load();

export function municipality(kode: string): Municipality | undefined {
  return byCode.get(kode);
}

export function allMunicipalities(): readonly Municipality[] {
  return [...byCode.values()];
}

export function regionOf(kode: string): Region | undefined {
  return byCode.get(kode)?.region;
}

export function tilsynOf(kode: string): Tilsyn | undefined {
  const m = byCode.get(kode);
  if (!m) return undefined;
  return file.kommuneOverrides[kode] ?? tilsynByRegion.get(m.region);
}

export function allTilsyn(): Tilsyn[] {
  return file.tilsyn.map((t) => t.id);
}

export function tilsynInfo(): readonly SocialtilsynInfo[] {
  return file.tilsyn;
}

export function allRegions(): Region[] {
  return [...REGIONS];
}
