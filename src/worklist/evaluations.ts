import type { EvaluationRecord, RecordStore } from '../approvals/records';
import type { Principal } from '../auth';
import type { Tilsyn } from '../geography';
import { placedAsRegistered } from '../providers/currentProvider';
import type { Page, PageRequest } from '../store/types';

export interface EvaluationListFilter {
  tilbudId?: string;
  speciale?: string;
  tilsyn?: Tilsyn;
  /** Stored on or after this day (YYYY-MM-DD). */
  from?: string;
  /** Stored on or before this day (YYYY-MM-DD). */
  to?: string;
}

/** An evaluation in a list: what finds it and what it concluded, without the explanation and the evidence (GET /v1/evaluations/{id} has them). */
export interface EvaluationSummary {
  id: string;
  speciale: string;
  level: EvaluationRecord['level'];
  asOf: string;
  overall: EvaluationRecord['overall'];
  summary: string;
  reportingDate: string;
  rulesetVersion: string;
  rulesetHash: string;
  evidenceHash: string;
  provider: EvaluationRecord['provider'];
  createdAt: string;
  createdBy: string;
  approvalId?: string;
  trigger?: string;
}

/** Stored evaluations the actor may see (an inspector: their own tilsyn), oldest first, a page at a time. */
export async function listEvaluations(store: RecordStore, actor: Principal, filter: EvaluationListFilter, page: PageRequest): Promise<Page<EvaluationSummary>> {
  if (actor.role === 'inspector') {
    if (filter.tilsyn !== undefined && filter.tilsyn !== actor.tilsyn) return { items: [] };
    filter = { ...filter, tilsyn: actor.tilsyn };
  }
  const listed = await store.listEvaluations(filter, page);
  // Where the provider is now (the register), not where its evidence placed it when the evaluation was made;
  // one lookup per provider on the page.
  const registered = new Map<string, ReturnType<RecordStore['getProvider']>>();
  const current = await Promise.all(
    listed.items.map(async (e) => {
      if (!registered.has(e.provider.tilbudId)) registered.set(e.provider.tilbudId, store.getProvider(e.provider.tilbudId));
      return { ...e, provider: placedAsRegistered(e.provider, (await registered.get(e.provider.tilbudId)) ?? null) };
    }),
  );
  return {
    items: current.map((e) => ({
      id: e.id,
      speciale: e.speciale,
      level: e.level,
      asOf: e.asOf,
      overall: e.overall,
      summary: e.result.summary,
      reportingDate: e.result.evidence.reportingDate,
      rulesetVersion: e.rulesetVersion,
      rulesetHash: e.rulesetHash,
      evidenceHash: e.evidenceHash,
      provider: e.provider,
      createdAt: e.createdAt,
      createdBy: e.createdBy,
      ...(e.approvalId ? { approvalId: e.approvalId } : {}),
      ...(e.trigger ? { trigger: e.trigger } : {}),
    })),
    ...(listed.nextCursor ? { nextCursor: listed.nextCursor } : {}),
  };
}
