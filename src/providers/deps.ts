import type { RecordStore } from '../approvals/records';
import type { Clock } from '../time/clock';
import type { LocationLookup } from './location';

/** What the provider register's use cases need. */
export interface ProviderDeps {
  store: RecordStore;
  clock: Clock;
  /** Municipality → region and socialtilsyn; the shipped data unless given (SHIPPED_GEOGRAPHY). */
  geography?: LocationLookup;
}
