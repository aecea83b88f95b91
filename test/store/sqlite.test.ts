import { storeContract } from './contract';
import { sqliteHarness } from './support/sqliteHarness';

storeContract('SqliteStore', sqliteHarness);
