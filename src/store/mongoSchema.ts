/**
 * The collections of the MongoDB store and what init does to a database before the store uses it.
 *
 * - evaluations, approvals: the records as they are, with the driver's `_id`. An approval in force also
 *   carries `inForce: true`, the store's own marker (never returned) that the partial unique index
 *   live_unique covers: one approval in force per provider, speciale and level. An evaluation carries
 *   `providerTilsyn` (never returned): its provider's tilsyn in the register, or its evidence's while the
 *   provider is not registered; evaluations are listed by it (EvaluationFilter.tilsyn), so they follow a
 *   provider that moves without the record or its evidence being rewritten.
 * - providers: the provider register, one document per tilbudId (unique), with a version for
 *   compare-and-set updates.
 * - audit: the hash chain, one document per entry, unique on seq.
 * - auditHead: one document (`_id: 'head'`): the newest entry's seq, hash and time, written by every
 *   commit. An entry cut from the end no longer matches it, and every commit writing it serialises appends.
 * - leases, recheckRuns, capacityChanges, rechecks: operational state (batch leases, run records,
 *   idempotency keys); migrations: notes of one-off steps done to this database; health: ping's write.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { DOCUMENT_COLLECTIONS } from './common';
import { LIVE_UNIQUE, guarded, isDuplicateKey, mapError } from './mongoErrors';
import { transactionSupportProblem } from './mongoTransaction';
import type { InForce } from './common';
import type { StoredApproval, AuditEntry, DocumentCollection, StoredEvaluation, StoredProvider, LeaseRecord, StoredDocument } from './types';

/** The `_id` of the one document of the auditHead collection. */
export const HEAD_ID = 'head';

export interface AuditHeadDocument {
  _id: string;
  seq: number;
  hash: string;
  at: string;
}

/** An approval as stored: the record, and the inForce marker while its status is in force. */
export type MongoApproval = StoredApproval & { inForce?: true };

/** An evaluation as stored: the record, and the tilsyn it is listed under (see the header). */
export type MongoEvaluation = StoredEvaluation & { providerTilsyn?: string | null };

export interface MongoCollections {
  evaluations: Collection<MongoEvaluation>;
  approvals: Collection<MongoApproval>;
  providers: Collection<StoredProvider>;
  audit: Collection<AuditEntry>;
  auditHead: Collection<AuditHeadDocument>;
  leases: Collection<LeaseRecord>;
  migrations: Collection<{ _id: string; at: string }>;
  documents(collection: DocumentCollection): Collection<StoredDocument>;
}

export function collectionsOf(db: Db): MongoCollections {
  return {
    evaluations: db.collection<MongoEvaluation>('evaluations'),
    approvals: db.collection<MongoApproval>('approvals'),
    providers: db.collection<StoredProvider>('providers'),
    audit: db.collection<AuditEntry>('audit'),
    auditHead: db.collection<AuditHeadDocument>('auditHead'),
    leases: db.collection<LeaseRecord>('leases'),
    migrations: db.collection<{ _id: string; at: string }>('migrations'),
    documents(collection) {
      if (!DOCUMENT_COLLECTIONS.includes(collection)) throw new TypeError(`unknown document collection '${String(collection)}'`);
      return db.collection<StoredDocument>(collection);
    },
  };
}

/** Server error codes: the command does not exist (hello before 4.4.2), the collection exists already. */
const COMMAND_NOT_FOUND = 59;
const NAMESPACE_EXISTS = 48;

/** Everything init does, in order; each step is safe to repeat and to run from two instances at once. */
export async function prepareDatabase(db: Db, c: MongoCollections, inForceStatuses: readonly string[]): Promise<void> {
  await refuseServersWithoutTransactions(db);
  await createCollections(db);
  await createIndexes(c);
  await markApprovalsInForce(c, inForceStatuses);
  await markEvaluationsTilsyn(c);
  await recordAuditHead(c);
}

/**
 * Multi-document transactions need a replica set or a sharded cluster; on a standalone server every
 * commit would fail. Not StoreUnavailableError: waiting will not change the server, so the start stops.
 */
async function refuseServersWithoutTransactions(db: Db): Promise<void> {
  const admin = db.admin();
  const hello = await guarded(async () => {
    try {
      return await admin.command({ hello: 1 });
    } catch (error) {
      // Servers before 4.4.2 know the command by its old name.
      if (error instanceof MongoServerError && Number(error.code) === COMMAND_NOT_FOUND) return admin.command({ isMaster: 1 });
      throw error;
    }
  });
  const problem = transactionSupportProblem(hello);
  if (problem) throw new Error(problem);
}

/**
 * Every collection a transaction writes, created up front: a server may refuse to create one inside a
 * transaction (before 4.4, and in a transaction writing to more than one shard).
 */
async function createCollections(db: Db): Promise<void> {
  const names = ['evaluations', 'approvals', 'providers', 'audit', 'auditHead', 'leases', 'migrations', ...DOCUMENT_COLLECTIONS];
  const existing = new Set((await guarded(() => db.listCollections({}, { nameOnly: true }).toArray())).map((c) => c.name));
  for (const name of names.filter((n) => !existing.has(n))) {
    try {
      await db.createCollection(name);
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof MongoServerError && Number(error.code) === NAMESPACE_EXISTS)) throw mapError(error);
    }
  }
}

/** createIndexes is a no-op for indexes that already exist with the same definition. */
async function createIndexes(c: MongoCollections): Promise<void> {
  await guarded(() =>
    Promise.all([
      c.evaluations.createIndexes([
        { key: { id: 1 }, name: 'id_unique', unique: true },
        { key: { approvalId: 1, createdAt: -1, id: -1 }, name: 'approvalId_latest' },
        // listEvaluations: pages in (createdAt, id) order, alone or of one provider, speciale or tilsyn.
        { key: { createdAt: 1, id: 1 }, name: 'createdAt_id' },
        { key: { 'provider.tilbudId': 1, createdAt: 1, id: 1 }, name: 'provider_tilbudId_createdAt_id' },
        { key: { speciale: 1, createdAt: 1, id: 1 }, name: 'speciale_createdAt_id' },
        { key: { providerTilsyn: 1, createdAt: 1, id: 1 }, name: 'providerTilsyn_createdAt_id' },
      ]),
      c.providers.createIndexes([
        { key: { tilbudId: 1 }, name: 'tilbudId_unique', unique: true },
        { key: { createdAt: 1, tilbudId: 1 }, name: 'createdAt_tilbudId' },
        { key: { tilsyn: 1, createdAt: 1, tilbudId: 1 }, name: 'tilsyn_createdAt_tilbudId' },
        { key: { kommunekode: 1, createdAt: 1, tilbudId: 1 }, name: 'kommunekode_createdAt_tilbudId' },
      ]),
      c.approvals.createIndexes([
        { key: { id: 1 }, name: 'id_unique', unique: true },
        { key: { createdAt: 1, id: 1 }, name: 'createdAt_id' },
        // Pages of one status (the batch, the register) or one tilsyn (an inspector's list) in (createdAt, id)
        // order: without these, every page walks createdAt_id from the start and skips what does not match.
        { key: { status: 1, createdAt: 1, id: 1 }, name: 'status_createdAt_id' },
        { key: { tilsyn: 1, createdAt: 1, id: 1 }, name: 'tilsyn_createdAt_id' },
        { key: { tilsyn: 1, status: 1 }, name: 'tilsyn_status' },
        { key: { speciale: 1, level: 1, status: 1 }, name: 'speciale_level_status' },
        { key: { 'provider.tilbudId': 1 }, name: 'provider_tilbudId' },
        { key: { 'provider.cvr': 1 }, name: 'provider_cvr' },
        { key: { validUntil: 1 }, name: 'validUntil' },
        // At most one approval in force per provider, speciale and level, whatever races between instances.
        // A commit reads it first (see mongoCommit.ts), so the index only ever catches a race.
        { key: { 'provider.tilbudId': 1, speciale: 1, level: 1 }, name: LIVE_UNIQUE, unique: true, partialFilterExpression: { inForce: true } },
      ]),
      c.audit.createIndexes([{ key: { seq: 1 }, name: 'seq_unique', unique: true }]),
      c.leases.createIndexes([{ key: { name: 1 }, name: 'name_unique', unique: true }]),
      ...DOCUMENT_COLLECTIONS.map((name) => c.documents(name).createIndexes([{ key: { id: 1 }, name: 'id_unique', unique: true }])),
    ]),
  );
}

/**
 * Approvals stored before the one-in-force rule lack the inForce marker, so live_unique does not see
 * them. Each gets it, once per database: the query reads every approval in force, so a note in the
 * `migrations` collection keeps later starts from repeating it. One that would be a second in force is
 * left unmarked rather than refusing to start.
 */
async function markApprovalsInForce(c: MongoCollections, inForceStatuses: readonly string[]): Promise<void> {
  if (await guarded(() => c.migrations.findOne({ _id: 'approvals.inForce' }))) return;
  const unmarked = await guarded(() =>
    c.approvals.find({ status: { $in: [...inForceStatuses] }, inForce: { $exists: false } }, { projection: { _id: 0, id: 1 } }).toArray(),
  );
  for (const { id } of unmarked) {
    try {
      await c.approvals.updateOne({ id, status: { $in: [...inForceStatuses] }, inForce: { $exists: false } }, { $set: { inForce: true } });
    } catch (error) {
      if (!isDuplicateKey(error)) throw mapError(error);
    }
  }
  await guarded(() => c.migrations.updateOne({ _id: 'approvals.inForce' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
}

/**
 * Evaluations stored before they were listed lack `providerTilsyn`: each gets its provider's tilsyn from
 * the register, or its evidence's, once per database (a note in `migrations`). Every evaluation stored
 * since has it from its insert.
 */
async function markEvaluationsTilsyn(c: MongoCollections): Promise<void> {
  if (await guarded(() => c.migrations.findOne({ _id: 'evaluations.providerTilsyn' }))) return;
  await guarded(() => c.evaluations.updateMany({ providerTilsyn: { $exists: false } }, [{ $set: { providerTilsyn: { $ifNull: ['$provider.tilsyn', null] } } }]));
  const registered = await guarded(() => c.providers.find({}, { projection: { _id: 0, tilbudId: 1, tilsyn: 1 } }).toArray());
  for (const { tilbudId, tilsyn } of registered) {
    await guarded(() => c.evaluations.updateMany({ 'provider.tilbudId': tilbudId, providerTilsyn: { $ne: tilsyn } }, { $set: { providerTilsyn: tilsyn } }));
  }
  await guarded(() => c.migrations.updateOne({ _id: 'evaluations.providerTilsyn' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
}

/**
 * A database whose log was written before the head document existed has entries and no head: its newest
 * entry becomes the recorded head, once per database (a note in `migrations`). Once the note is there, a
 * missing head is not adopted again: a head deleted behind the service's back is a broken chain, not a
 * fresh start. Run no instance of the earlier version beside this one: its appends would not move the
 * head, and the next commit here would find the chain broken.
 */
async function recordAuditHead(c: MongoCollections): Promise<void> {
  if (await guarded(() => c.migrations.findOne({ _id: 'audit.head' }))) return;
  const newest = await guarded(() => c.audit.findOne({}, { sort: { seq: -1 }, projection: { _id: 0, seq: 1, hash: 1, at: 1 } }));
  if (newest) {
    try {
      // $setOnInsert: a head another instance has recorded since (with a commit) is left alone.
      await c.auditHead.updateOne({ _id: HEAD_ID }, { $setOnInsert: { seq: newest.seq, hash: newest.hash, at: newest.at } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw mapError(error);
    }
  }
  await guarded(() => c.migrations.updateOne({ _id: 'audit.head' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
}

/** An evaluation as stored: a copy of the record without `_id`, listed under `tilsyn` (the register's, when given). */
export function storedEvaluation(record: StoredEvaluation, registeredTilsyn: string | undefined): MongoEvaluation {
  const { _id: _ignored, providerTilsyn: _marker, ...rest } = record as StoredEvaluation & { _id?: unknown; providerTilsyn?: unknown };
  return { ...rest, providerTilsyn: registeredTilsyn ?? record.provider?.tilsyn ?? null };
}

/**
 * An approval as stored: the record (a copy without `_id`: insertOne adds one to the object it is given),
 * plus `inForce: true` while its status is in force, which is what the partial unique index live_unique covers.
 */
export function storedApproval(record: StoredApproval, inForce: InForce): MongoApproval {
  const { _id: _ignored, inForce: _marker, ...rest } = record as StoredApproval & { _id?: unknown; inForce?: unknown };
  return inForce(record.status) ? { ...rest, inForce: true } : rest;
}
