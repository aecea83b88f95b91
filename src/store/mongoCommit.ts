/**
 * The body of the MongoDB store's commit transaction: changes written with their audit entries.
 *
 * It reads the recorded head and the newest two entries and checks that they still link (brokenLink); if
 * not, it throws StoreIntegrityError and the transaction writes nothing. Then, change by change, it reads
 * what decides a refusal (refusalOf) before writing any of the change: in MongoDB a write error aborts the
 * whole transaction, the other changes of a commitMany with it. A refused change writes nothing and uses
 * no seq. Each change sees the ones before it in the same transaction. Last, the head document gets the
 * newest entry: every writing transaction writes it, so two at once conflict (WriteConflict, retried by
 * runTransaction) and appends are serialised across instances.
 *
 * A duplicate key, or a compare-and-set that replaces nothing, after the reads found nothing in the way is
 * another writer's race; runTransaction runs the body again, and its reads then see the winner.
 *
 * Atomic changes (commitAll): the first refusal throws AtomicRefusal out of the body, so the transaction is
 * aborted and none of them is written; the store answers with that refusal.
 */
import type { ClientSession, Collection, Filter } from 'mongodb';
import { approvalOf, providerOf } from './common';
import { brokenLink, nextAuditEntry } from './auditChain';
import { StoreIntegrityError } from './errors';
import { refusalOf, type ChangeFacts } from './mongoRefusals';
import { HEAD_ID, storedApproval, storedEvaluation, type MongoCollections, type MongoApproval } from './mongoSchema';
import { WriteRace } from './mongoTransaction';
import type { InForce } from './common';
import { type StoredApproval, type AuditEntry, type Change, type CommitOutcome, type Refusal } from './types';

const NO_ID = { _id: 0 } as const;

/** Thrown out of the transaction body when a change of an atomic group is refused: nothing is committed. */
export class AtomicRefusal extends Error {
  override readonly name = 'AtomicRefusal';

  constructor(
    readonly index: number,
    readonly refusal: Refusal,
  ) {
    super(`change ${index} of an atomic group was refused (${refusal.reason})`);
  }
}

export class ChangeWriter {
  constructor(
    private readonly c: MongoCollections,
    private readonly inForce: InForce,
  ) {}

  /** The transaction's body; it may run more than once, so it starts from nothing each time. */
  async write(changes: Change[], session: ClientSession, atomic = false): Promise<CommitOutcome[]> {
    let tail = await this.linkedTail(session);
    let appended = false;
    const outcomes: CommitOutcome[] = [];
    for (const [index, change] of changes.entries()) {
      const refusal = refusalOf(change, await this.factsOf(change, session), this.inForce);
      if (refusal) {
        if (atomic) throw new AtomicRefusal(index, refusal);
        outcomes.push({ committed: false, ...refusal });
        continue;
      }
      const entry = nextAuditEntry(change.audit, tail);
      await this.writeRecords(change, session);
      // A copy: insertOne adds `_id` to the object it is given, and the entry is returned to the caller.
      await this.c.audit.insertOne({ ...entry }, { session });
      outcomes.push({ committed: true, entry });
      tail = entry;
      appended = true;
    }
    if (appended && tail) {
      await this.c.auditHead.updateOne({ _id: HEAD_ID }, { $set: { seq: tail.seq, hash: tail.hash, at: tail.at } }, { upsert: true, session });
    }
    return outcomes;
  }

  /** The newest entry, after checking that it still links to the chain and is the recorded head; null for an empty log. */
  private async linkedTail(session: ClientSession): Promise<AuditEntry | null> {
    const recorded = await this.c.auditHead.findOne({ _id: HEAD_ID }, { session, projection: { _id: 0, seq: 1, hash: 1 } });
    const [newest, before] = await this.c.audit.find({}, { session, sort: { seq: -1 }, limit: 2, projection: NO_ID }).toArray();
    const previous = newest && before && before.seq === newest.seq - 1 ? before : null;
    const broken = brokenLink(newest ?? null, previous, recorded);
    if (broken) {
      throw new StoreIntegrityError(`The audit log does not link at entry ${broken.firstBrokenSeq}: ${broken.reason}. Nothing was written.`, {
        firstBrokenSeq: broken.firstBrokenSeq,
      });
    }
    return newest ?? null;
  }

  /** Reads, in the transaction, what decides whether the change is refused. */
  private async factsOf(change: Change, session: ClientSession): Promise<ChangeFacts> {
    const facts: ChangeFacts = { evaluationExists: false, approvalExists: false, storedVersion: null, inForceId: undefined, documentExists: [] };
    if (change.provider) {
      if ('insert' in change.provider) {
        facts.providerExists = (await this.c.providers.findOne({ tilbudId: change.provider.insert.tilbudId }, { session, projection: { _id: 1 } })) !== null;
      } else {
        const stored = await this.c.providers.findOne({ tilbudId: change.provider.update.tilbudId }, { session, projection: { _id: 0, version: 1 } });
        facts.providerVersion = stored?.version ?? null;
      }
    }
    if (change.evaluation) facts.evaluationExists = await idExists(this.c.evaluations, change.evaluation.id, session);
    const approval = approvalOf(change);
    if (change.approval && approval) {
      if ('insert' in change.approval) facts.approvalExists = await idExists(this.c.approvals, approval.id, session);
      else facts.storedVersion = (await this.c.approvals.findOne({ id: approval.id }, { session, projection: { _id: 0, version: 1 } }))?.version ?? null;
      if (this.inForce(approval.status)) {
        facts.inForceId = (await this.c.approvals.findOne(inForceQuery(approval), { session, projection: { _id: 0, id: 1 } }))?.id;
      }
    }
    for (const { collection, doc } of change.documents ?? []) facts.documentExists.push(await idExists(this.c.documents(collection), doc.id, session));
    return facts;
  }

  /** The change's records, each a copy (insertOne adds `_id` to the object it is given). */
  private async writeRecords(change: Change, session: ClientSession): Promise<void> {
    const provider = providerOf(change);
    if (change.provider && provider) {
      // First, so the change's evaluation is listed under the provider's tilsyn.
      if ('insert' in change.provider) {
        await this.c.providers.insertOne(withoutMongoId({ ...provider }), { session });
      } else {
        const { expectedVersion } = change.provider;
        const { matchedCount } = await this.c.providers.replaceOne({ tilbudId: provider.tilbudId, version: expectedVersion }, withoutMongoId({ ...provider }), { session });
        if (matchedCount !== 1) throw new WriteRace(`provider ${provider.tilbudId} was read at version ${expectedVersion} but not replaced at it`);
      }
      // Every evaluation of the provider is listed under its tilsyn in the register from now on.
      await this.c.evaluations.updateMany({ 'provider.tilbudId': provider.tilbudId, providerTilsyn: { $ne: provider.tilsyn } }, { $set: { providerTilsyn: provider.tilsyn } }, { session });
    }
    if (change.evaluation) {
      // Listed under its provider's tilsyn in the register (see mongoSchema.ts), read after any provider write of the change.
      const tilbudId = change.evaluation.provider?.tilbudId ?? null;
      const registered = tilbudId === null ? null : await this.c.providers.findOne({ tilbudId }, { session, projection: { _id: 0, tilsyn: 1 } });
      await this.c.evaluations.insertOne(storedEvaluation(change.evaluation, registered?.tilsyn), { session });
    }
    const approval = approvalOf(change);
    if (change.approval && approval) {
      if ('insert' in change.approval) {
        await this.c.approvals.insertOne(storedApproval(approval, this.inForce), { session });
      } else {
        // Compare-and-set: the replacement happens only if the stored version is still the expected one.
        const { expectedVersion } = change.approval;
        const { matchedCount } = await this.c.approvals.replaceOne({ id: approval.id, version: expectedVersion }, storedApproval(approval, this.inForce), { session });
        if (matchedCount !== 1) throw new WriteRace(`approval ${approval.id} was read at version ${expectedVersion} but not replaced at it`);
      }
    }
    for (const { collection, doc } of change.documents ?? []) await this.c.documents(collection).insertOne(withoutMongoId({ ...doc }), { session });
  }
}

async function idExists<T extends { id: string }>(collection: Collection<T>, id: string, session: ClientSession): Promise<boolean> {
  return (await collection.findOne({ id } as Filter<T>, { session, projection: { _id: 1 } })) !== null;
}

/**
 * Another approval in force for the approval's provider, speciale and level, as live_unique sees them: the
 * inForce marker, and null for a missing field (as the index keys it; with ignoreUndefined an undefined
 * value would drop the condition and match every provider).
 */
function inForceQuery(approval: StoredApproval): Filter<MongoApproval> {
  return {
    'provider.tilbudId': approval.provider?.tilbudId ?? null,
    speciale: approval.speciale ?? null,
    level: approval.level ?? null,
    inForce: true,
    id: { $ne: approval.id },
  } as Filter<MongoApproval>;
}

export function withoutMongoId<T extends object>(value: T): T {
  const { _id: _ignored, ...rest } = value as T & { _id?: unknown };
  return rest as T;
}
