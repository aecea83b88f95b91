import { randomUUID } from 'node:crypto';
import { MongoClient, MongoDriverError, MongoServerError } from 'mongodb';
import { StoreUnavailableError } from '../../src/store/errors';
import { isUnavailableError, MongoStore, violatesLiveUnique } from '../../src/store/mongo';
import type { AuditEntry } from '../../src/store/types';
import { storeContract, type StoreHarness } from './contract';
import { approval } from './support/fixtures';

/**
 * Runs the store contract against a real MongoDB when MONGODB_URI is set (a replica set, for
 * w: majority / readConcern majority to mean what they say). Each test gets its own database, dropped
 * afterwards.
 */
const uri = process.env.MONGODB_URI;

if (!uri) {
  console.log('MongoStore contract tests skipped: MONGODB_URI not set: no MongoDB server on this machine');
  describe.skip('Store contract: MongoStore (MONGODB_URI not set: no MongoDB server on this machine)', () => {
    it('runs only with MONGODB_URI', () => undefined);
  });
} else {
  const runId = `${process.pid}_${randomUUID().slice(0, 8)}`;
  let counter = 0;
  // A separate client for the backdoor and for dropping test databases.
  const admin = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  afterAll(async () => {
    await admin.close();
  });

  storeContract('MongoStore', async (): Promise<StoreHarness> => {
    const dbName = `sf_store_test_${runId}_${++counter}`;
    const open = async () => {
      const s = new MongoStore(uri, dbName);
      await s.init();
      return s;
    };
    const harness: StoreHarness = {
      store: await open(),
      async reopen() {
        await harness.store.close();
        harness.store = await open();
        return harness.store;
      },
      async tamperAudit(seq: number, change: Partial<AuditEntry>) {
        const result = await admin.db(dbName).collection<AuditEntry>('audit').updateOne({ seq }, { $set: change });
        if (result.matchedCount !== 1) throw new Error(`audit entry ${seq} not found`);
        return harness.store;
      },
      async destroy() {
        await harness.store.close();
        await admin.db(dbName).dropDatabase();
      },
    };
    return harness;
  });
}

// Needs no server: a MongoDB nobody listens on must surface as StoreUnavailableError (→ 503), quickly.
describe('MongoStore without a reachable server', () => {
  it('a mongodb+srv:// name that does not resolve is "unavailable" (the service answers 503 and retries), not a crash at start', async () => {
    // .invalid never resolves (RFC 6761); the driver passes Node's DNS error through as it is.
    const store = new MongoStore('mongodb+srv://sf-store-test.invalid/', 'sf_unreachable', { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    await expect(store.init()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  }, 30_000);

  it('DNS failures and the pool\'s own timeouts count as unavailable; other errors do not', () => {
    const dnsError = (code: string) => Object.assign(new Error(`querySrv ${code} _mongodb._tcp.db.example`), { code, syscall: 'querySrv' });
    for (const code of ['ENOTFOUND', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED']) expect(isUnavailableError(dnsError(code))).toBe(true);
    const poolError = (name: string) => Object.defineProperty(new MongoDriverError('no connection came free'), 'name', { value: name });
    expect(isUnavailableError(poolError('MongoWaitQueueTimeoutError'))).toBe(true);
    expect(isUnavailableError(poolError('MongoPoolClosedError'))).toBe(true);
    expect(isUnavailableError(new MongoDriverError('something else'))).toBe(false);
    expect(isUnavailableError(Object.assign(new Error('bad'), { code: 'ENOTFOUND', syscall: 'open' }))).toBe(false);
    expect(isUnavailableError(new TypeError('a bug'))).toBe(false);
  });

  it('tells a second approval in force (live_unique) from a duplicate id, with or without keyPattern in the server\'s answer', () => {
    const duplicate = (index: string, keyPattern?: Record<string, number>) =>
      new MongoServerError({ code: 11000, errmsg: `E11000 duplicate key error collection: specialfunktion.approvals index: ${index} dup key: { }`, ...(keyPattern ? { keyPattern } : {}) });
    expect(violatesLiveUnique(duplicate('live_unique', { 'provider.tilbudId': 1, speciale: 1, level: 1 }))).toBe(true);
    expect(violatesLiveUnique(duplicate('live_unique'))).toBe(true);
    expect(violatesLiveUnique(duplicate('id_unique', { id: 1 }))).toBe(false);
    expect(violatesLiveUnique(duplicate('id_unique'))).toBe(false);
    expect(violatesLiveUnique(duplicate('live_unique_old'))).toBe(false);
  });

  const unreachable = () => new MongoStore('mongodb://127.0.0.1:9/', 'sf_unreachable', { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });

  it('init() rejects with StoreUnavailableError within the server selection timeout', async () => {
    const store = unreachable();
    const started = Date.now();
    await expect(store.init()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
    await store.close();
  });

  it('ping(), reads and writes reject with StoreUnavailableError', async () => {
    const store = unreachable();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.getApproval('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.insertApproval(approval())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.appendAudit({ at: 'x', subject: 's', action: 'a', entityType: 't', entityId: 'e', summary: {} })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.acquireLease('l', 'h', 1000, new Date())).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});
