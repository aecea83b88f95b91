/** The register, a page at a time in the order providers were registered: an inspector sees its own tilsyn, Socialstyrelsen and admins all. */
import type { Principal } from '../auth';
import type { ProviderRecord } from '../approvals/records';
import type { Page, PageRequest, ProviderFilter } from '../store/types';
import type { ProviderDeps } from './deps';

export async function listProviders(deps: ProviderDeps, actor: Principal, filter: ProviderFilter, page: PageRequest): Promise<Page<ProviderRecord>> {
  if (actor.role === 'inspector') {
    if (filter.tilsyn !== undefined && filter.tilsyn !== actor.tilsyn) return { items: [] };
    filter = { ...filter, tilsyn: actor.tilsyn };
  }
  return deps.store.listProviders(filter, page);
}
