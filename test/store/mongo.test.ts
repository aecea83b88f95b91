/**
 * MongoStore: the store contract against a real MongoDB, and what can be checked without one.
 *
 * The contract runs only when MONGODB_URI points at a replica set (or a sharded cluster): the store
 * commits each change with its audit entry in a multi-document transaction, which a standalone server
 * cannot run (init refuses one). A one-node replica set is enough:
 *
 *   mongod --replSet rs0 --dbpath /tmp/rs0 &  mongosh --eval 'rs.initiate()'
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' npx jest test/store/mongo.test.ts
 *
 * Each contract test gets its own database, dropped afterwards. The harness's backdoors write to that
 * database with a client of their own, as someone with database access could.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, MongoDriverError, MongoServerError, type Db } from 'mongodb';
import { nextAuditEntry } from '../../src/store/auditChain';
import { StoreIntegrityError, StoreUnavailableError } from '../../src/store/errors';
import { isUnavailableError, MongoStore, violatesLiveUnique } from '../../src/store/mongo';
import { type AuditEntry } from '../../src/store/types';
import type { ApprovalRecord } from '../../src/approvals/records';
import { IN_FORCE_STATUSES, isInForce } from '../../src/approvals/status';
import { storeContract, type StoreHarness } from './contract';
import { approval, provider, type ContractChange, STORE_OPTIONS, type ContractRecords } from './support/fixtures';

const uri = process.env.MONGODB_URI;

if (!uri) {
  const reason = "MONGODB_URI not set: no MongoDB server on this machine; set it to a replica set, e.g. 'mongodb://localhost:27017/?replicaSet=rs0'";
  console.log(`MongoStore contract tests skipped: ${reason}`);
  describe.skip(`Store contract: MongoStore (${reason})`, () => {
    it('runs only with MONGODB_URI', () => undefined);
  });
} else {
  const runId = `${process.pid}_${randomUUID().slice(0, 8)}`;
  let counter = 0;
  // The backdoors' own client. Majority writes: the store reads majority-committed data, and must see them.
  const admin = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, writeConcern: { w: 'majority' }, ignoreUndefined: true });
  afterAll(async () => {
    await admin.close();
  });

  storeContract('MongoStore', async (): Promise<StoreHarness> => {
    const dbName = `sf_store_test_${runId}_${++counter}`;
    const db = admin.db(dbName);
    const open = async () => {
      const s = new MongoStore<ContractRecords>(uri, dbName, STORE_OPTIONS);
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
      async tamperAudit(seq, change) {
        const result = await db.collection<AuditEntry>('audit').updateOne({ seq }, { $set: change });
        if (result.matchedCount !== 1) throw new Error(`audit entry ${seq} not found`);
        return harness.store;
      },
      async deleteAuditFrom(seq, { fixHead }) {
        await db.collection<AuditEntry>('audit').deleteMany({ seq: { $gte: seq } });
        if (fixHead) {
          const newest = await db.collection<AuditEntry>('audit').findOne({}, { sort: { seq: -1 } });
          await setRecordedHead(db, newest);
        }
        return harness.store;
      },
      async replaceAudit(entries, head) {
        const audit = db.collection<AuditEntry>('audit');
        await audit.deleteMany({});
        // Copies: insertMany adds _id to the objects it is given.
        if (entries.length > 0) await audit.insertMany(entries.map((e) => ({ ...e })));
        await setRecordedHead(db, head && { ...head, at: entries.find((e) => e.seq === head.seq)?.at ?? '' });
        return harness.store;
      },
      async tamperApproval(id, change) {
        // The record and what the store derives from it: the inForce marker of the live_unique index.
        const approvals = db.collection<ApprovalRecord & { inForce?: true }>('approvals');
        const stored = await approvals.findOne({ id });
        if (!stored) throw new Error(`approval ${id} not found`);
        const { _id, inForce: _marker, ...record } = stored;
        const next = { ...record, ...change };
        await approvals.replaceOne({ _id }, isInForce(next.status) ? { ...next, inForce: true } : next);
        return harness.store;
      },
      async destroy() {
        await harness.store.close();
        await db.dropDatabase();
      },
    };
    return harness;
  });

  // What the contract cannot show with one store instance, whose commits queue: instances (processes) whose
  // transactions meet in the database, and a database written by the version before the head document.
  describe('MongoStore: several instances on one database, and a database from before the head document', () => {
    const stores: MongoStore[] = [];
    const dbNames: string[] = [];
    const freshDatabase = () => {
      const dbName = `sf_store_test_${runId}_${++counter}`;
      dbNames.push(dbName);
      return dbName;
    };
    const openOn = async (dbName: string) => {
      const s = new MongoStore<ContractRecords>(uri, dbName, STORE_OPTIONS);
      await s.init();
      stores.push(s);
      return s;
    };
    const entryInput = (i: number | string) => ({ at: '2026-03-01T10:00:00.000Z', subject: 'inspektoer@midt', action: 'test', entityType: 'approval', entityId: `e-${i}`, summary: { i } });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      for (const dbName of dbNames.splice(0)) await admin.db(dbName).dropDatabase();
    });

    it('commits from two instances at once form one gapless chain: the head document serialises them', async () => {
      const dbName = freshDatabase();
      const instances = [await openOn(dbName), await openOn(dbName)];
      const records = Array.from({ length: 30 }, () => approval());
      const outcomes = await Promise.all(records.map((a, i) => instances[i % 2].commit({ audit: entryInput(i), approval: { insert: a } })));
      expect(outcomes.filter((o) => o.committed)).toHaveLength(30);
      expect(outcomes.map((o) => (o.committed ? o.entry.seq : 0)).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      for (const a of records) expect(await instances[1].getApproval(a.id)).toEqual(a);
      expect(await instances[0].verifyAuditChain()).toMatchObject({ ok: true, entries: 30 });
    });

    it('of approvals in force for one provider committed from two instances at once, exactly one is stored and the others name it', async () => {
      const dbName = freshDatabase();
      const instances = [await openOn(dbName), await openOn(dbName)];
      const shop = provider({ tilbudId: 'two-instances' });
      const candidates = Array.from({ length: 6 }, () => approval({ provider: shop }));
      const outcomes = await Promise.all(candidates.map((a, i) => instances[i % 2].commit({ audit: entryInput(i), approval: { insert: a } })));
      const winners = candidates.filter((_, i) => outcomes[i].committed);
      expect(winners).toHaveLength(1);
      for (const o of outcomes) if (!o.committed) expect(o).toEqual({ committed: false, reason: 'approval-in-force', approvalId: expect.any(String), inForceId: winners[0].id });
      expect(await instances[0].countApprovals({ tilbudId: shop.tilbudId })).toBe(1);
      expect(await instances[1].verifyAuditChain()).toMatchObject({ ok: true, entries: 1 });
    });

    it('verifying while another instance commits reports no break', async () => {
      const dbName = freshDatabase();
      const [writer, verifier] = [await openOn(dbName), await openOn(dbName)];
      for (let i = 0; i < 20; i++) await writer.commit({ audit: entryInput(i) });
      const kept = (await verifier.auditHead())!;
      let writing = true;
      const commits = (async () => {
        for (let i = 20; i < 80; i++) await writer.commit({ audit: entryInput(i) });
        writing = false;
      })();
      const results = [];
      while (writing) results.push(await verifier.verifyAuditChain({ head: kept }));
      await commits;
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) expect(result).toMatchObject({ ok: true });
      expect(await verifier.verifyAuditChain({ head: (await writer.auditHead())! })).toMatchObject({ ok: true, entries: 80 });
    });

    it('a log written before the head document: its newest entry becomes the recorded head at the first start, and only then', async () => {
      const dbName = freshDatabase();
      const entries: AuditEntry[] = [];
      for (let i = 1; i <= 3; i++) entries.push(nextAuditEntry(entryInput(i), entries[entries.length - 1] ?? null));
      await admin.db(dbName).collection<AuditEntry>('audit').insertMany(entries.map((e) => ({ ...e })));
      const store = await openOn(dbName);
      expect(await store.verifyAuditChain()).toEqual({ ok: true, entries: 3, head: { seq: 3, hash: entries[2].hash, at: entries[2].at } });
      expect(await store.commit({ audit: entryInput(4) })).toMatchObject({ committed: true, entry: { seq: 4, prevHash: entries[2].hash } });
      // Deleted later, the head is not adopted again: the chain is broken.
      await setRecordedHead(admin.db(dbName), null);
      const reopened = await openOn(dbName);
      await expect(reopened.commit({ audit: entryInput(5) })).rejects.toBeInstanceOf(StoreIntegrityError);
      expect(await reopened.verifyAuditChain()).toMatchObject({ ok: false });
    });
  });
}

/** The store's recorded head (collection auditHead, document 'head'); none for null. */
async function setRecordedHead(db: Db, head: { seq: number; hash: string; at: string } | null): Promise<void> {
  const heads = db.collection<{ _id: string; seq: number; hash: string; at: string }>('auditHead');
  if (head) await heads.replaceOne({ _id: 'head' }, { seq: head.seq, hash: head.hash, at: head.at }, { upsert: true });
  else await heads.deleteOne({ _id: 'head' });
}

// Needs no server: a MongoDB nobody listens on must surface as StoreUnavailableError (→ 503), quickly.
describe('MongoStore without a reachable server', () => {
  it('a mongodb+srv:// name that does not resolve is "unavailable" (the service answers 503 and retries), not a crash at start', async () => {
    // .invalid never resolves (RFC 6761); the driver passes Node's DNS error through as it is.
    const store = new MongoStore<ContractRecords>('mongodb+srv://sf-store-test.invalid/', 'sf_unreachable', STORE_OPTIONS, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
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

  it('a write conflict or a duplicate key is not "unavailable" by itself (the commit transaction retries those)', () => {
    expect(isUnavailableError(new MongoServerError({ code: 112, codeName: 'WriteConflict', errmsg: 'WriteConflict' }))).toBe(false);
    expect(isUnavailableError(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }))).toBe(false);
    expect(isUnavailableError(new MongoServerError({ code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }))).toBe(true);
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

  const unreachable = () => new MongoStore<ContractRecords>('mongodb://127.0.0.1:9/', 'sf_unreachable', STORE_OPTIONS, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
  const change = (): ContractChange => ({
    audit: { at: '2026-03-01T10:00:00.000Z', subject: 's', action: 'approval.created', entityType: 'approval', entityId: 'e', summary: {} },
    approval: { insert: approval() },
  });

  it('init() rejects with StoreUnavailableError within the server selection timeout', async () => {
    const store = unreachable();
    const started = Date.now();
    await expect(store.init()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
    await store.close();
  });

  // A fresh store for each: after a failed first connection the driver closes the client, and every later
  // call would fail at once the same way, whatever path it takes.
  it.each<[string, (store: MongoStore) => Promise<unknown>]>([
    ['ping', (s) => s.ping()],
    ['a read', (s) => s.getApproval('x')],
    ['commit (the transaction\'s first read)', (s) => s.commit(change())],
    ['commitMany', (s) => s.commitMany([change(), change()])],
    ['auditHead', (s) => s.auditHead()],
    ['verifyAuditChain', (s) => s.verifyAuditChain()],
    ['putRun', (s) => s.putRun({ id: 'run-1' })],
    ['acquireLease', (s) => s.acquireLease('l', 'h', 1000, new Date())],
  ])('%s rejects with StoreUnavailableError', async (_name, operation) => {
    const store = unreachable();
    await expect(operation(store)).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('a change that is malformed is a TypeError before any database call, never "unavailable"', async () => {
    const store = unreachable();
    const bad = { ...change(), audit: { ...change().audit, subject: 42 as unknown as string } };
    await expect(store.commit(bad)).rejects.toBeInstanceOf(TypeError);
    // One malformed change in a batch: the whole call is refused, the database never asked.
    await expect(store.commitMany([change(), bad])).rejects.toBeInstanceOf(TypeError);
    await expect(store.commit({ ...change(), documents: [{ collection: 'nope' as never, doc: { id: 'd' } }] })).rejects.toBeInstanceOf(TypeError);
    await expect(store.commitMany([])).resolves.toEqual([]);
    await store.close();
  });
});
