/**
 * After the municipality → socialtilsyn data change (the minister designates other tilsyn municipalities,
 * src/geography/socialtilsyn.json), an admin run (POST /v1/providers/reassignments) moves every registered
 * provider whose municipality now belongs to another tilsyn (or region), with its approvals, audited as
 * provider.moved with the run's id. Running it again moves nothing. A provider whose municipality the data
 * no longer know is reported, not moved.
 */
import type { Principal } from '../auth';
import { DomainError, forbidden } from '../approvals/errors';
import { newId } from '../approvals/ids';
import type { ProviderLocation, ProviderRecord } from '../approvals/records';
import type { ProviderDeps } from './deps';
import { locationOf, sameLocation } from './location';
import { relocate } from './relocate';

const PAGE = 200;

export interface ReassignmentReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Registered providers looked at. */
  checked: number;
  moved: { tilbudId: string; from: ProviderLocation; to: ProviderLocation; approvalIds: string[] }[];
  /** Municipalities the data do not know (any more): left where they are. */
  unresolved: { tilbudId: string; kommunekode: string }[];
  /** Moves that kept meeting other changes; run again. */
  failed: { tilbudId: string; code: string }[];
}

export async function reassignProviders(deps: ProviderDeps, actor: Principal): Promise<ReassignmentReport> {
  if (actor.role !== 'admin') throw forbidden('Kun en administrator kan køre en omfordeling af tilbud', 'role-not-allowed');
  const runId = newId();
  const startedAt = deps.clock.now().toISOString();
  const report: ReassignmentReport = { runId, startedAt, finishedAt: startedAt, checked: 0, moved: [], unresolved: [], failed: [] };
  // Collected first: moving changes no createdAt, but the pages should not be read while they are written.
  const providers: ProviderRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listProviders({}, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    providers.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);

  for (const provider of providers) {
    report.checked += 1;
    const to = locationOf(provider.kommunekode, deps.geography);
    if (!to) {
      report.unresolved.push({ tilbudId: provider.tilbudId, kommunekode: provider.kommunekode });
      continue;
    }
    if (sameLocation(provider, to)) continue;
    try {
      const done = await relocate(deps, provider.tilbudId, to, {
        by: actor.subject,
        trigger: 'reassignment',
        reason: `Kommune ${to.kommunekode} hører nu under Socialtilsyn ${to.tilsyn} (geografidata ændret)`,
        runId,
      });
      if (done.move) report.moved.push({ tilbudId: provider.tilbudId, from: done.move.from, to: done.move.to, approvalIds: done.move.approvalIds });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
      report.failed.push({ tilbudId: provider.tilbudId, code: error.code });
    }
  }
  report.finishedAt = deps.clock.now().toISOString();
  return report;
}
