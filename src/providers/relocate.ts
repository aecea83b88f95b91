/**
 * Moving a provider: the register entry gets its new location (and a move in its history), and every
 * approval of the provider follows it – its `tilsyn` and provider location, version + 1 – in one
 * transaction (commitAll), each with an audit entry: `provider.moved` for the provider, and for each
 * approval `approval.provider-moved` carrying its new state, so the record check (fold) verifies it.
 * Its evaluations follow through the register (currentProvider, and the store's listing); the hashed
 * evidence is never rewritten.
 *
 * An approval decided on the old location while the move commits (it read the register just before) is
 * brought along by a second pass: after the move, approvals of the provider not where it now is are moved
 * too, again audited. A change that came first (a decision, a re-check) makes the move read again and retry.
 */
import { conflict } from '../approvals/errors';
import { approvalState } from '../approvals/fold';
import type { ApprovalRecord, ProviderLocation, ProviderMove, ProviderRecord, RecordChange } from '../approvals/records';
import type { ProviderDeps } from './deps';
import { sameLocation } from './location';

const ATTEMPTS = 3;
/** Passes that bring along approvals decided on the old location while the move committed. */
const SWEEPS = 3;

export interface RelocationRequest {
  by: string;
  trigger: ProviderMove['trigger'];
  reason: string;
  /** The reassignment run that moves it, recorded with the audit entries. */
  runId?: string;
  /** The provider version the caller read (PATCH expectedVersion): refused when it has changed since. */
  expectedVersion?: number;
}

export interface Relocation {
  provider: ProviderRecord;
  moved: boolean;
  move?: ProviderMove;
}

function locationOfRecord(p: ProviderLocation): ProviderLocation {
  return { kommunekode: p.kommunekode, region: p.region, tilsyn: p.tilsyn };
}

/** The approval where its provider now is. */
function movedApproval(approval: ApprovalRecord, to: ProviderLocation, at: string): ApprovalRecord {
  return {
    ...approval,
    tilsyn: to.tilsyn,
    provider: { ...approval.provider, kommunekode: to.kommunekode, region: to.region, tilsyn: to.tilsyn },
    updatedAt: at,
    version: approval.version + 1,
  };
}

function approvalChange(approval: ApprovalRecord, to: ProviderLocation, at: string, request: RelocationRequest): RecordChange {
  const next = movedApproval(approval, to, at);
  return {
    approval: { update: next, expectedVersion: approval.version },
    audit: {
      at,
      subject: request.by,
      action: 'approval.provider-moved',
      entityType: 'approval',
      entityId: approval.id,
      summary: {
        tilbudId: approval.provider.tilbudId,
        trigger: request.trigger,
        from: locationOfRecord(approval.provider),
        to,
        ...(request.runId ? { runId: request.runId } : {}),
        state: approvalState(next),
      },
    },
  };
}

async function approvalsNotAt(deps: ProviderDeps, tilbudId: string, to: ProviderLocation): Promise<ApprovalRecord[]> {
  const out: ApprovalRecord[] = [];
  for await (const a of deps.store.findApprovals({ tilbudId })) {
    if (a.tilsyn !== to.tilsyn || !sameLocation(locationOfRecord(a.provider), to)) out.push(a);
  }
  return out;
}

/** Moves `tilbudId` (registered) to `to` with its approvals; nothing happens when it is there already. */
export async function relocate(deps: ProviderDeps, tilbudId: string, to: ProviderLocation, request: RelocationRequest): Promise<Relocation> {
  const { store, clock } = deps;
  for (let attempt = 1; ; attempt++) {
    const provider = await store.getProvider(tilbudId);
    if (!provider) throw new Error(`provider ${tilbudId} is not registered`);
    if (request.expectedVersion !== undefined && provider.version !== request.expectedVersion) {
      throw conflict(`Tilbuddet er ændret siden version ${request.expectedVersion} (nu version ${provider.version}); hent det igen`, { currentVersion: provider.version }, 'provider-changed');
    }
    if (sameLocation(locationOfRecord(provider), to)) {
      await sweep(deps, tilbudId, to, request);
      return { provider, moved: false };
    }
    const approvals = await approvalsNotAt(deps, tilbudId, to);
    const at = clock.now().toISOString();
    const move: ProviderMove = { at, by: request.by, trigger: request.trigger, reason: request.reason, from: locationOfRecord(provider), to, approvalIds: approvals.map((a) => a.id) };
    const next: ProviderRecord = { ...provider, ...to, moves: [...provider.moves, move], updatedAt: at, version: provider.version + 1 };
    const changes: RecordChange[] = [
      {
        provider: { update: next, expectedVersion: provider.version },
        audit: {
          at,
          subject: request.by,
          action: 'provider.moved',
          entityType: 'provider',
          entityId: tilbudId,
          summary: { trigger: request.trigger, reason: request.reason, from: move.from, to, approvalIds: move.approvalIds, ...(request.runId ? { runId: request.runId } : {}) },
        },
      },
      ...approvals.map((a) => approvalChange(a, to, at, request)),
    ];
    const outcome = await store.commitAll(changes);
    if (outcome.committed) {
      await sweep(deps, tilbudId, to, request);
      return { provider: next, moved: true, move };
    }
    if (outcome.reason === 'duplicate-id') throw new Error(`moving provider ${tilbudId}: ${outcome.collection} ${outcome.id} already exists`);
    // Another change came first: read again (a given expectedVersion then answers provider-changed).
    if (attempt >= ATTEMPTS) {
      throw conflict('Tilbuddet eller en af dets godkendelser blev ændret under flytningen; prøv igen', {}, 'provider-changed');
    }
  }
}

/** Brings along approvals of the provider that are not where it is (decided on the old location while it moved). */
async function sweep(deps: ProviderDeps, tilbudId: string, to: ProviderLocation, request: RelocationRequest): Promise<void> {
  for (let pass = 0; pass < SWEEPS; pass++) {
    const behind = await approvalsNotAt(deps, tilbudId, to);
    if (behind.length === 0) return;
    const at = deps.clock.now().toISOString();
    // Refused when one of them changed meanwhile: the next pass reads them again.
    await deps.store.commitAll(behind.map((a) => approvalChange(a, to, at, request)));
  }
}
