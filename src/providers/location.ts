/**
 * Where a municipality is: its region and the socialtilsyn that supervises it, from the geography data
 * shipped with the service (src/geography/*.json), or from other data given (a reassignment after the
 * minister designates other tilsyn municipalities is tested with changed data).
 */
import type { ProviderLocation } from '../approvals/records';
import { regionOf, tilsynOf, type Geography } from '../geography';

export type LocationLookup = Pick<Geography, 'tilsynOf' | 'regionOf'>;

/** The data shipped with the service. */
export const SHIPPED_GEOGRAPHY: LocationLookup = { tilsynOf, regionOf };

/** The location of a municipality, or undefined when the data do not know it. */
export function locationOf(kommunekode: string, geography: LocationLookup = SHIPPED_GEOGRAPHY): ProviderLocation | undefined {
  const tilsyn = geography.tilsynOf(kommunekode);
  const region = geography.regionOf(kommunekode);
  return tilsyn && region ? { kommunekode, region, tilsyn } : undefined;
}

export function sameLocation(a: ProviderLocation, b: ProviderLocation): boolean {
  return a.kommunekode === b.kommunekode && a.region === b.region && a.tilsyn === b.tilsyn;
}
