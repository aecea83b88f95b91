/**
 * Evaluations follow their provider. An evaluation keeps the provider as its evidence named it (the
 * evidence is hashed and never rewritten), but who may read it, and the approvals decided on it, go by
 * where the provider is registered now: after a move, the new tilsyn reads it and the old one does not.
 */
import type { EvaluationRecord, ProviderRef, RecordStore } from '../approvals/records';

/** The provider as evaluated, placed where the register has it now (unchanged when it is not registered). */
export async function currentProvider(store: RecordStore, provider: ProviderRef): Promise<ProviderRef> {
  return placedAsRegistered(provider, await store.getProvider(provider.tilbudId));
}

/** The provider placed where `registered` (its register entry, if any) has it. */
export function placedAsRegistered(provider: ProviderRef, registered: Pick<ProviderRef, 'kommunekode' | 'region' | 'tilsyn'> | null): ProviderRef {
  if (!registered) return provider;
  return { ...provider, kommunekode: registered.kommunekode, region: registered.region, tilsyn: registered.tilsyn };
}

/** The evaluation with its provider placed where the register has it now; its evidence and result as stored. */
export async function withCurrentProvider<E extends Pick<EvaluationRecord, 'provider'>>(store: RecordStore, evaluation: E): Promise<E> {
  const provider = await currentProvider(store, evaluation.provider);
  return provider === evaluation.provider ? evaluation : { ...evaluation, provider };
}
