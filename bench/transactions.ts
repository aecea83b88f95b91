/**
 * Transactions of the embedded store as it reports them (StoreOptions.onTransaction): its commit
 * transactions run on its writer thread, timed there around the transaction, fsync included, with the
 * audit entries each appended (one per committed change). The thread that ran it is held for all of it;
 * the service's thread is not.
 */
import type { TransactionObserver } from '../src/store/types';

export interface Transaction {
  /** Audit entries appended: the changes it committed. */
  changes: number;
  us: number;
}

/** Collects the transactions of the stores given `onTransaction` as an option. */
export function observeTransactions(): { onTransaction: TransactionObserver; take(): Transaction[] } {
  let log: Transaction[] = [];
  return {
    onTransaction: ({ changes, us }) => log.push({ changes, us }),
    take: () => {
      const taken = log;
      log = [];
      return taken;
    },
  };
}
