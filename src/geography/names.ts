/**
 * The regions and socialtilsyn ids the code knows, defined once: the types derive from these tuples, and
 * the query checks, the token checks and openapi.yaml use the same values (test/openapi/levelsAndTilsyn.test.ts).
 * Which socialtilsyn cover which municipalities is data (socialtilsyn.json), not code.
 */

/** The five regions, in kommunekode order. */
export const REGIONS = Object.freeze(['Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland'] as const);
export type Region = (typeof REGIONS)[number];

/** Every socialtilsyn id the code knows about (the data decide which of them cover municipalities). */
export const TILSYN_IDS = Object.freeze(['Nord', 'Midt', 'Syd', 'Hovedstaden', 'Øst'] as const);
export type Tilsyn = (typeof TILSYN_IDS)[number];

export const isRegion = (v: unknown): v is Region => typeof v === 'string' && (REGIONS as readonly string[]).includes(v);
export const isTilsynId = (v: unknown): v is Tilsyn => typeof v === 'string' && (TILSYN_IDS as readonly string[]).includes(v);
