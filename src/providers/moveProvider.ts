/**
 * An admin moves a provider to another municipality (PATCH /v1/providers/{tilbudId}): the register gets
 * the new kommunekode and the region and socialtilsyn that follow from it, and the provider's approvals
 * and evaluations follow (see relocate.ts). Audited as provider.moved; the evidence is not rewritten.
 */
import type { Principal } from '../auth';
import { forbidden, notFound } from '../approvals/errors';
import type { ProviderDeps } from './deps';
import { unknownKommunekode } from './errors';
import { locationOf } from './location';
import { relocate, type Relocation } from './relocate';

export interface MoveRequest {
  kommunekode: string;
  reason: string;
  expectedVersion?: number;
}

export async function moveProvider(deps: ProviderDeps, actor: Principal, tilbudId: string, request: MoveRequest): Promise<Relocation> {
  if (actor.role !== 'admin') throw forbidden('Kun en administrator kan flytte et tilbud', 'role-not-allowed');
  if (!(await deps.store.getProvider(tilbudId))) throw notFound(`Tilbuddet ${tilbudId}`, 'provider-not-found');
  const to = locationOf(request.kommunekode, deps.geography);
  if (!to) throw unknownKommunekode('/kommunekode');
  return relocate(deps, tilbudId, to, { by: actor.subject, trigger: 'admin', reason: request.reason, expectedVersion: request.expectedVersion });
}
