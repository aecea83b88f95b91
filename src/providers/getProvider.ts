/** One provider of the register, for whoever may see its tilsyn (another tilsyn's answers 404, so its existence does not leak). */
import type { Principal } from '../auth';
import { canSee } from '../approvals/access';
import { notFound } from '../approvals/errors';
import type { ProviderRecord } from '../approvals/records';
import type { ProviderDeps } from './deps';

export async function getProvider(deps: ProviderDeps, actor: Principal, tilbudId: string): Promise<ProviderRecord> {
  const provider = await deps.store.getProvider(tilbudId);
  if (!provider || !canSee(actor, provider.tilsyn)) throw notFound(`Tilbuddet ${tilbudId}`, 'provider-not-found');
  return provider;
}
