/**
 * Writing changes with their audit entries: a group of changes in one IMMEDIATE transaction.
 *
 * The transaction starts by reading the newest two audit entries and the recorded head and checking
 * that they still link (brokenLink); if not, it writes nothing and every change of the group is refused
 * with StoreIntegrityError. Each caller's changes (a job: one commit, or a commitMany) run inside a
 * savepoint of their own, and each change inside a nested one: a refused change (duplicate id, stale
 * version, a second approval in force) is rolled back to its savepoint and leaves the others, its audit
 * entry included, so it uses no seq. An atomic job (commitAll) is rolled back whole when one of its changes
 * is refused. A job that fails for another reason (a bug) is rolled back whole
 * and only its caller hears of it; an error of the database itself (I/O, disk full, damage) ends the
 * transaction for everyone.
 *
 * With synchronous=FULL, the COMMIT has reached the disk when the transaction function returns.
 */
import type Database from 'better-sqlite3';
import { brokenLink, nextAuditEntry } from './auditChain';
import { StoreIntegrityError } from './errors';
import { errorKind } from './sqliteErrors';
import { auditEntryFrom, auditRow, type ApprovalRow, type AuditRow, type PreparedChange } from './sqliteRows';
import { threadId } from 'node:worker_threads';
import type { AuditEntry, CommitOutcome, Refusal, Transaction } from './types';

/** What one caller's changes came to: each change's outcome, or (atomic) none written and which was refused. */
export type JobOutcome = { outcomes: CommitOutcome[] } | { refused: { index: number; refusal: Refusal } };
export type JobResult = JobOutcome | { error: unknown };

/** One caller's changes; atomic: all of them or none. */
export interface Job {
  changes: PreparedChange[];
  atomic: boolean;
}

/** Thrown inside a change's savepoint to roll it back, caught just outside it. */
class Refused {
  constructor(readonly refusal: Refusal) {}
}

/** Thrown inside an atomic job's savepoint to roll the whole job back, caught just outside it. */
class JobRefused {
  constructor(
    readonly index: number,
    readonly refusal: Refusal,
  ) {}
}

const APPROVAL_COLUMNS = 'id, speciale, level, status, tilsyn, tilbud_id, cvr, valid_until, created_at, version, in_force, record';
const APPROVAL_VALUES = '@id, @speciale, @level, @status, @tilsyn, @tilbudId, @cvr, @validUntil, @createdAt, @version, @inForce, @record';

export class ChangeWriter {
  private readonly sql;
  private readonly group: Database.Transaction<(jobs: Job[]) => JobResult[]>;
  private readonly job: Database.Transaction<(job: Job, tail: AuditEntry | null) => { outcomes: CommitOutcome[]; tail: AuditEntry | null }>;
  private readonly change: Database.Transaction<(change: PreparedChange, tail: AuditEntry | null) => AuditEntry>;

  constructor(db: Database.Database) {
    this.sql = {
      newestTwo: db.prepare<[], AuditRow>('SELECT seq, hash, entry FROM audit ORDER BY seq DESC LIMIT 2'),
      head: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE one = 1'),
      insertEvidence: db.prepare('INSERT OR IGNORE INTO evidence (sha256, json) VALUES (@sha256, @json)'),
      // Listed under the provider's tilsyn in the register when it is registered, else the evidence's.
      insertEvaluation: db.prepare(
        `INSERT INTO evaluations (id, approval_id, tilbud_id, speciale, tilsyn, created_at, evidence_sha256, record)
         VALUES (@id, @approvalId, @tilbudId, @speciale, COALESCE((SELECT tilsyn FROM providers WHERE tilbud_id = @tilbudId), @tilsyn), @createdAt, @evidenceSha256, @record)`,
      ),
      approvalExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM approvals WHERE id = ?'),
      insertApproval: db.prepare(`INSERT INTO approvals (${APPROVAL_COLUMNS}) VALUES (${APPROVAL_VALUES})`),
      updateApproval: db.prepare(
        `UPDATE approvals SET speciale = @speciale, level = @level, status = @status, tilsyn = @tilsyn, tilbud_id = @tilbudId, cvr = @cvr,
         valid_until = @validUntil, created_at = @createdAt, version = @version, in_force = @inForce, record = @record
         WHERE id = @id AND version = @expectedVersion`,
      ),
      inForce: db.prepare<[string, string, string, string], { id: string }>(
        'SELECT id FROM approvals WHERE tilbud_id = ? AND speciale = ? AND level = ? AND in_force = 1 AND id <> ?',
      ),
      insertDocument: db.prepare('INSERT INTO documents (collection, id, record) VALUES (@collection, @id, @record)'),
      insertProvider: db.prepare('INSERT INTO providers (tilbud_id, tilsyn, kommunekode, created_at, version, record) VALUES (@tilbudId, @tilsyn, @kommunekode, @createdAt, @version, @record)'),
      updateProvider: db.prepare(
        `UPDATE providers SET tilsyn = @tilsyn, kommunekode = @kommunekode, created_at = @createdAt, version = @version, record = @record
         WHERE tilbud_id = @tilbudId AND version = @expectedVersion`,
      ),
      // A provider's evaluations are listed under its tilsyn in the register (see sqliteSchema.ts).
      relistEvaluations: db.prepare<[string, string, string]>('UPDATE evaluations SET tilsyn = ? WHERE tilbud_id = ? AND tilsyn IS NOT ?'),
      insertAudit: db.prepare('INSERT INTO audit (seq, hash, entry) VALUES (@seq, @hash, @entry)'),
      setHead: db.prepare('INSERT INTO audit_head (one, seq, hash) VALUES (1, @seq, @hash) ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash'),
    };

    this.change = db.transaction((change: PreparedChange, tail: AuditEntry | null) => this.write(change, tail));

    this.job = db.transaction(({ changes, atomic }: Job, tail: AuditEntry | null) => {
      const outcomes = changes.map((change, index): CommitOutcome => {
        try {
          const entry = this.change(change, tail);
          tail = entry;
          return { committed: true, entry };
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
          // Rolls back the job's savepoint: none of its changes is written.
          if (atomic) throw new JobRefused(index, error.refusal);
          return { committed: false, ...error.refusal };
        }
      });
      return { outcomes, tail };
    });

    this.group = db.transaction((jobs: Job[]) => {
      const [newest, beforeNewest] = this.sql.newestTwo.all().map(auditEntryFrom);
      const broken = brokenLink(newest ?? null, beforeNewest ?? null, this.sql.head.get() ?? null);
      if (broken) {
        throw new StoreIntegrityError(`The audit log does not link at entry ${broken.firstBrokenSeq}: ${broken.reason}. Nothing was written.`, {
          firstBrokenSeq: broken.firstBrokenSeq,
        });
      }
      let tail: AuditEntry | null = newest ?? null;
      return jobs.map((job): JobResult => {
        try {
          const done = this.job(job, tail);
          tail = done.tail;
          return { outcomes: done.outcomes };
        } catch (error) {
          if (error instanceof JobRefused) return { refused: { index: error.index, refusal: error.refusal } };
          if (errorKind(error) !== 'other' || !db.inTransaction) throw error;
          return { error };
        }
      });
    });
  }

  /** Commits the jobs in one IMMEDIATE transaction; throws (having written nothing) when it cannot. */
  commit(jobs: Job[]): JobResult[] {
    return this.group.immediate(jobs);
  }

  /** One change inside its savepoint: the rows, then its audit entry after `tail`. */
  private write(change: PreparedChange, tail: AuditEntry | null): AuditEntry {
    if (change.provider) {
      // First, so the change's evaluation is listed under the provider's tilsyn.
      if ('insert' in change.provider) {
        const row = change.provider.insert;
        this.refuseOn('SQLITE_CONSTRAINT_PRIMARYKEY', () => this.sql.insertProvider.run(row), { reason: 'duplicate-id', collection: 'providers', id: row.tilbudId });
        this.sql.relistEvaluations.run(row.tilsyn, row.tilbudId, row.tilsyn);
      } else {
        const { update: row, expectedVersion } = change.provider;
        const { changes } = this.sql.updateProvider.run({ ...row, expectedVersion });
        if (changes === 0) throw new Refused({ reason: 'stale-provider', tilbudId: row.tilbudId });
        this.sql.relistEvaluations.run(row.tilsyn, row.tilbudId, row.tilsyn);
      }
    }
    if (change.evaluation) {
      if (change.evidence) this.sql.insertEvidence.run(change.evidence);
      this.refuseOn('SQLITE_CONSTRAINT_PRIMARYKEY', () => this.sql.insertEvaluation.run(change.evaluation), { reason: 'duplicate-id', collection: 'evaluations', id: change.evaluation.id });
    }
    if (change.approval) {
      if ('insert' in change.approval) {
        const row = change.approval.insert;
        const duplicate: Refusal = { reason: 'duplicate-id', collection: 'approvals', id: row.id };
        // SQLite may check the one-in-force index before the primary key: an existing id comes first.
        if (this.sql.approvalExists.get(row.id)) throw new Refused(duplicate);
        this.refuseOn('SQLITE_CONSTRAINT_PRIMARYKEY', () => this.withInForceCheck(row, () => this.sql.insertApproval.run(row)), duplicate);
      } else {
        const { update: row, expectedVersion } = change.approval;
        const { changes } = this.withInForceCheck(row, () => this.sql.updateApproval.run({ ...row, expectedVersion }));
        if (changes === 0) throw new Refused({ reason: 'stale-version', approvalId: row.id });
      }
    }
    for (const doc of change.documents) {
      this.refuseOn('SQLITE_CONSTRAINT_PRIMARYKEY', () => this.sql.insertDocument.run(doc), { reason: 'duplicate-id', collection: doc.collection, id: doc.id });
    }
    const entry = nextAuditEntry(change.audit, tail);
    this.sql.insertAudit.run(auditRow(entry));
    this.sql.setHead.run({ seq: entry.seq, hash: entry.hash });
    return entry;
  }

  /** Runs the write; a violation of the one-in-force index becomes a refusal naming the approval in force. */
  private withInForceCheck<T>(row: ApprovalRow, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      const inForce = this.sql.inForce.get(row.tilbudId, row.speciale, row.level, row.id);
      throw new Refused({ reason: 'approval-in-force', approvalId: row.id, ...(inForce ? { inForceId: inForce.id } : {}) });
    }
  }

  private refuseOn(code: string, write: () => unknown, refusal: Refusal): void {
    try {
      write();
    } catch (error) {
      if ((error as { code?: unknown }).code === code) throw new Refused(refusal);
      throw error;
    }
  }
}

/** Commits the jobs in one transaction (ChangeWriter.commit), timed, with the changes it appended, for StoreOptions.onTransaction. */
export function timedCommit(writer: ChangeWriter, jobs: Job[]): { results: JobResult[]; transaction: Transaction } {
  const start = process.hrtime.bigint();
  const results = writer.commit(jobs);
  const us = Number(process.hrtime.bigint() - start) / 1e3;
  let changes = 0;
  for (const result of results) if ('outcomes' in result) for (const o of result.outcomes) if (o.committed) changes += 1;
  return { results, transaction: { changes, us, threadId } };
}
