/**
 * Transactions of the embedded store seen from outside it: better-sqlite3's public Database#transaction is
 * wrapped while connections open, so each outermost call (a real transaction; one called inside another is
 * a savepoint) is timed, and the audit entries it appended (one per change) are counted from audit_head.
 * The thread is held for all of a transaction's time, its fsync included. Nothing of the store's insides is
 * used but that table.
 */
import Database from 'better-sqlite3';

export interface Transaction {
  /** Audit entries appended: the changes it committed (0 for one that writes no record, e.g. a lease). NaN if not known. */
  changes: number;
  us: number;
}

type TransactionFn = ((...args: unknown[]) => unknown) & Record<'deferred' | 'immediate' | 'exclusive', (...args: unknown[]) => unknown>;

/** Starts recording the transactions of every connection opened from now until `stop()`. */
export function observeTransactions(): { take(): Transaction[]; stop(): void } {
  const prototype = Database.prototype as unknown as { transaction: (fn: (...args: unknown[]) => unknown) => TransactionFn };
  const original = prototype.transaction;
  let log: Transaction[] = [];
  const heads = new WeakMap<Database.Database, Database.Statement<[], { seq: number }>>();
  const headOf = (db: Database.Database): number | null => {
    let statement = heads.get(db);
    if (!statement) {
      try {
        statement = db.prepare<[], { seq: number }>('SELECT seq FROM audit_head WHERE one = 1');
      } catch {
        // Not there yet (the schema's own transactions when the file is new) or not there at all.
        return null;
      }
      heads.set(db, statement);
    }
    return statement.get()?.seq ?? 0;
  };
  prototype.transaction = function (this: Database.Database, fn) {
    const db = this;
    const made = original.call(db, fn);
    const timed = (variant: (...args: unknown[]) => unknown) =>
      function (this: unknown, ...args: unknown[]) {
        if (db.inTransaction) return variant.apply(this, args);
        const before = headOf(db);
        const start = process.hrtime.bigint();
        try {
          return variant.apply(this, args);
        } finally {
          const us = Number(process.hrtime.bigint() - start) / 1e3;
          const after = headOf(db);
          log.push({ us, changes: before === null || after === null ? Number.NaN : after - before });
        }
      };
    return Object.assign(timed(made), { deferred: timed(made.deferred), immediate: timed(made.immediate), exclusive: timed(made.exclusive), database: db }) as TransactionFn;
  };
  return {
    take: () => {
      const taken = log;
      log = [];
      return taken;
    },
    stop: () => {
      prototype.transaction = original;
    },
  };
}
