/** The provider register: who a provider is and where, set with its first stored evaluation and moved only by an admin. */
export type { ProviderDeps } from './deps';
export { getProvider } from './getProvider';
export { listProviders } from './listProviders';
export { moveProvider, type MoveRequest } from './moveProvider';
export { reassignProviders, type ReassignmentReport } from './reassignProviders';
export { checkEvidenceProvider, assertSameProvider, commitRegistering, providerRegistration, type EvidenceProvider } from './evidenceProvider';
export { currentProvider, withCurrentProvider } from './currentProvider';
export { SHIPPED_GEOGRAPHY, locationOf, type LocationLookup } from './location';
