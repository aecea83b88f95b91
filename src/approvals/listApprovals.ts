import type { Principal } from '../auth';
import type { ApprovalFilter, Page } from '../store/types';
import type { ApprovalRecord, RecordStore } from './records';

/** Approvals matching the filter, as the actor may see them: an inspector only their own socialtilsyn's. */
export async function listApprovals(store: RecordStore, actor: Principal, filter: ApprovalFilter, page: { limit: number; cursor?: string }): Promise<Page<ApprovalRecord>> {
  if (actor.role === 'inspector') {
    if (filter.tilsyn !== undefined && filter.tilsyn !== actor.tilsyn) return { items: [] };
    filter = { ...filter, tilsyn: actor.tilsyn };
  }
  return store.listApprovals(filter, page);
}
