/**
 * The behaviour every ContractStore implementation must have, run against each of them (sqlite.test.ts,
 * mongo.test.ts). Each test gets a fresh, empty store. The parts are in contract/, one concern each.
 */
import type { AuditEntry } from '../../src/store/types';
import type { ApprovalRecord } from '../../src/approvals/records';
import type { ContractStore } from './support/fixtures';
import { approvalContract } from './contract/approvals';
import { auditContract } from './contract/audit';
import { auditTamperingContract } from './contract/auditTampering';
import { evaluationContract } from './contract/evaluations';
import { evaluationListingContract } from './contract/evaluationListing';
import { listingContract } from './contract/listing';
import { operationalContract } from './contract/operational';
import { providerContract } from './contract/providers';
import type { ContractContext } from './contract/support';

/**
 * A store under test and backdoors into its storage. Each backdoor acts on the underlying files or
 * database directly, the way someone with file or database access could (the store is not asked), and
 * returns the store to use afterwards; `store` is kept up to date as well.
 */
export interface StoreHarness {
  store: ContractStore;
  /** Close the store and open a new instance on the same data. */
  reopen(): Promise<ContractStore>;
  /** Change fields of the stored audit entry `seq`. */
  tamperAudit(seq: number, change: Partial<AuditEntry>): Promise<ContractStore>;
  /**
   * Delete the audit entries from `seq` on. With fixHead the head recorded with the last commit is set to
   * the newest remaining entry (none if the log is now empty), as someone covering their tracks would.
   */
  deleteAuditFrom(seq: number, options: { fixHead: boolean }): Promise<ContractStore>;
  /** Replace the whole stored log with `entries`, and the recorded head with `head` (null: none). */
  replaceAudit(entries: AuditEntry[], head: { seq: number; hash: string } | null): Promise<ContractStore>;
  /**
   * Change fields of the stored approval `id` as another writer of the same storage would: the record
   * and whatever the store keeps derived from it (query fields, whether it is in force).
   */
  tamperApproval(id: string, change: Partial<ApprovalRecord>): Promise<ContractStore>;
  /** Close and delete everything. */
  destroy(): Promise<void>;
}

export function storeContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`ContractStore contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    const context: ContractContext = {
      get harness() {
        if (!harness) throw new Error('no store: the contract runs inside its tests only');
        return harness;
      },
      get store() {
        return context.harness.store;
      },
    };

    beforeEach(async () => {
      harness = await makeStore();
    });

    afterEach(async () => {
      await harness?.destroy();
      harness = undefined;
    });

    evaluationContract(context);
    evaluationListingContract(context);
    approvalContract(context);
    listingContract(context);
    providerContract(context);
    auditContract(context);
    auditTamperingContract(context);
    operationalContract(context);
  });
}
