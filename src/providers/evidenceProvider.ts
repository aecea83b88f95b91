/**
 * Evidence names its provider (tilbudId, CVR, municipality). For a provider in the register, the register
 * decides: evidence naming another CVR or municipality is refused (provider-mismatch), and access goes by
 * the register's tilsyn, not by the municipality an inspector typed. A provider not yet registered is
 * registered with its first stored evaluation, in the same commit.
 */
import type { Principal } from '../auth';
import { canSee } from '../approvals/access';
import type { ProviderRecord, ProviderRef, RecordChange, RecordStore } from '../approvals/records';
import type { CommitOutcome } from '../store/types';
import { providerMismatch, type ProviderField } from './errors';

/** What evidence says of its provider (Evidence['provider']). */
export interface EvidenceProvider {
  tilbudId: string;
  cvr: string;
  kommunekode: string;
}

/**
 * The registered provider the evidence is for (null when the tilbudId is not registered), after checking
 * that the evidence names its CVR and municipality; otherwise 409 provider-mismatch with a pointer per field
 * under `pointerBase` (e.g. /evidence/provider).
 */
export async function checkEvidenceProvider(
  store: RecordStore,
  actor: Principal,
  provider: EvidenceProvider,
  pointerBase = '/evidence/provider',
): Promise<ProviderRecord | null> {
  const registered = await store.getProvider(provider.tilbudId);
  if (!registered) return null;
  assertSameProvider(actor, registered, provider, pointerBase);
  return registered;
}

/** Throws provider-mismatch when the evidence names another CVR or municipality than `registered`. */
export function assertSameProvider(actor: Principal, registered: Pick<ProviderRecord, 'tilbudId' | 'cvr' | 'kommunekode' | 'tilsyn'>, provider: EvidenceProvider, pointerBase: string): void {
  const fields: ProviderField[] = [];
  if (provider.cvr !== registered.cvr) fields.push('cvr');
  if (provider.kommunekode !== registered.kommunekode) fields.push('kommunekode');
  if (fields.length === 0) return;
  const shown = canSee(actor, registered.tilsyn) ? { cvr: registered.cvr, kommunekode: registered.kommunekode } : undefined;
  throw providerMismatch(registered.tilbudId, fields, pointerBase, shown);
}

/** The register entry for a provider first seen with this evaluation (its provider as evaluated). */
export function providerRegistration(provider: ProviderRef, evaluationId: string, by: string, at: string): ProviderRecord {
  return {
    tilbudId: provider.tilbudId,
    cvr: provider.cvr,
    name: provider.name,
    kommunekode: provider.kommunekode,
    region: provider.region,
    tilsyn: provider.tilsyn,
    createdAt: at,
    createdBy: by,
    evaluationId,
    updatedAt: at,
    version: 1,
    moves: [],
  };
}

/**
 * Commits a change that may register its evaluation's provider (change.provider.insert), the registration
 * named in the change's audit entry. When another evaluation registered the provider first (the store
 * refuses the second registration), the evidence is compared with that one (provider-mismatch) and the
 * change is committed without registering.
 */
export async function commitRegistering(store: RecordStore, actor: Principal, change: RecordChange): Promise<CommitOutcome> {
  if (!change.provider || !('insert' in change.provider) || !change.evaluation) return store.commit(change);
  const p = change.provider.insert;
  const registering: RecordChange = {
    ...change,
    audit: { ...change.audit, summary: { ...change.audit.summary, providerRegistered: { cvr: p.cvr, kommunekode: p.kommunekode, tilsyn: p.tilsyn } } },
  };
  const outcome = await store.commit(registering);
  if (outcome.committed || outcome.reason !== 'duplicate-id' || outcome.collection !== 'providers') return outcome;
  await checkEvidenceProvider(store, actor, change.evaluation.evidence.provider);
  const { provider: _registeredMeanwhile, ...unregistered } = change;
  return store.commit(unregistered);
}
