import type { RecheckRun } from '../approvals/batch';
import type { ApprovalRecord, RecordStore } from '../approvals/records';
import { renewalWindowOpensOn } from '../approvals/recheck';
import { IN_FORCE_STATUSES, type ApprovalStatus } from '../approvals/status';
import type { Principal } from '../auth';
import type { Tilsyn } from '../geography';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Level } from '../rules/types';
import { today, type Clock } from '../time/clock';
import { addDays, isIsoDate, type IsoDate } from '../time/dates';
import { evaluationTasks } from './evaluationTasks';

/**
 * What an inspector has to act on, most urgent first. Kinds, in the order they are listed:
 * - `at-risk`: a re-check found required criteria not met; the inspector decides by the deadline whether to
 *   revoke. Past the deadline the item is `overdue` (a computed flag, not a status) and comes first of all.
 *   Nothing is revoked automatically.
 * - `evidence-overdue`: the evidence is older than the rule set allows; new evidence is to be requested.
 * - `failed-recheck`: the newest batch run could not re-check the approval (and nothing has re-checked it since).
 * - `renewal-window`: the renewal window before the end has opened.
 * - `ending`: the approval's period ends within ENDING_WITHIN_DAYS days (or has ended, not yet recorded as expired).
 * - `evidence-dates`: a stored evaluation whose evidence breaks the date rules (a date after its reporting
 *   date, a reporting date after the day it was evaluated or stored). Listed, never rewritten.
 */
export const WORKLIST_KINDS = ['at-risk', 'specialfunktion-ended', 'evidence-overdue', 'failed-recheck', 'renewal-window', 'ending', 'evidence-dates'] as const;
export type WorklistKind = (typeof WORKLIST_KINDS)[number];

/** Approvals whose period ends within this many days are listed as `ending`. */
export const ENDING_WITHIN_DAYS = 90;

export interface WorklistItem {
  kind: WorklistKind;
  /** An at-risk approval past its inspector's deadline. */
  overdue: boolean;
  /** The date the item is due: the inspector's deadline, or the end of the approval's period. */
  dueDate?: IsoDate;
  /** Days from today to dueDate (negative: past it). */
  daysLeft?: number;
  approvalId?: string;
  evaluationId?: string;
  speciale: string;
  level: Level;
  tilsyn: Tilsyn;
  provider: { tilbudId: string; name: string; cvr: string; kommunekode: string };
  status?: ApprovalStatus;
  validUntil?: IsoDate;
  /** What it is and what to do, in Danish. */
  message: string;
  details: Record<string, unknown>;
}

export interface WorklistFilter {
  tilsyn?: Tilsyn;
  speciale?: string;
  level?: Level;
  kind?: WorklistKind;
}

export interface Worklist {
  asOf: IsoDate;
  /** The tilsyn the list covers: the inspector's own, the filter's, or null for all. */
  tilsyn: Tilsyn | null;
  items: WorklistItem[];
  counts: Record<WorklistKind, number>;
  overdue: number;
  /** The newest batch re-check run (admin and Socialstyrelsen only): its failures not tied to one approval show here. */
  lastRun?: { id: string; status: RecheckRun['status']; startedAt: string; finishedAt?: string; failureCount: number; runFailures: string[] };
}

export interface WorklistDeps {
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

const RANK: Record<WorklistKind, number> = { 'at-risk': 1, 'specialfunktion-ended': 2, 'evidence-overdue': 3, 'failed-recheck': 4, 'renewal-window': 5, ending: 6, 'evidence-dates': 7 };

/** The worklist as the actor may see it: an inspector their own tilsyn only; Socialstyrelsen and admins all. */
export async function buildWorklist(deps: WorklistDeps, actor: Principal, filter: WorklistFilter): Promise<Worklist> {
  const asOf = today(deps.clock);
  const empty = Object.fromEntries(WORKLIST_KINDS.map((k) => [k, 0])) as Record<WorklistKind, number>;
  let tilsyn = filter.tilsyn;
  if (actor.role === 'inspector') {
    if (tilsyn !== undefined && tilsyn !== actor.tilsyn) return { asOf, tilsyn, items: [], counts: empty, overdue: 0 };
    tilsyn = actor.tilsyn;
  }
  const wanted = (kind: WorklistKind) => filter.kind === undefined || filter.kind === kind;
  const scope = { ...(tilsyn ? { tilsyn } : {}), ...(filter.speciale ? { speciale: filter.speciale } : {}), ...(filter.level ? { level: filter.level } : {}) };

  const items: WorklistItem[] = [];
  for (const status of IN_FORCE_STATUSES) {
    for await (const approval of deps.store.findApprovals({ ...scope, status })) {
      items.push(...approvalTasks(approval, asOf, deps.rules).filter((i) => wanted(i.kind)));
    }
  }
  const run = await latestRun(deps.store);
  if (run && wanted('failed-recheck')) items.push(...(await failedRechecks(deps.store, run, asOf, scope)));
  if (wanted('evidence-dates')) items.push(...(await evaluationTasks(deps.store, scope)));

  items.sort(byUrgency);
  const counts = { ...empty };
  for (const item of items) counts[item.kind] += 1;
  return {
    asOf,
    tilsyn: tilsyn ?? null,
    items,
    counts,
    overdue: items.filter((i) => i.overdue).length,
    ...(run && actor.role !== 'inspector'
      ? {
          lastRun: {
            id: run.id,
            status: run.status,
            startedAt: run.startedAt,
            ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
            failureCount: run.failureCount ?? run.failures.length,
            runFailures: run.failures.filter((f) => f.approvalId === '-').map((f) => f.message),
          },
        }
      : {}),
  };
}

function byUrgency(a: WorklistItem, b: WorklistItem): number {
  const rank = (i: WorklistItem) => (i.overdue ? 0 : RANK[i.kind]);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const da = a.dueDate ?? '9999-12-31';
  const db = b.dueDate ?? '9999-12-31';
  if (da !== db) return da < db ? -1 : 1;
  return a.provider.tilbudId.localeCompare(b.provider.tilbudId) || (a.approvalId ?? a.evaluationId ?? '').localeCompare(b.approvalId ?? b.evaluationId ?? '');
}

function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function base(approval: ApprovalRecord, asOf: IsoDate, kind: WorklistKind, dueDate: IsoDate | undefined, message: string, details: Record<string, unknown> = {}): WorklistItem {
  const p = approval.provider;
  return {
    kind,
    overdue: false,
    ...(dueDate ? { dueDate, daysLeft: daysBetween(asOf, dueDate) } : {}),
    approvalId: approval.id,
    speciale: approval.speciale,
    level: approval.level,
    tilsyn: approval.tilsyn,
    provider: { tilbudId: p.tilbudId, name: p.name, cvr: p.cvr, kommunekode: p.kommunekode },
    status: approval.status,
    validUntil: approval.validUntil,
    message,
    details,
  };
}

/** The newest re-check that left the approval in `status`. */
function latestRecheckInto(approval: ApprovalRecord, status: ApprovalStatus) {
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const h = approval.history[i];
    if (h.type === 'recheck' && h.toStatus === status) return h;
  }
  return undefined;
}

/**
 * The re-check that put the approval at risk this time: a later re-check that finds it still at risk sets a
 * deadline of its own, but the inspector's deadline runs from the first (or it could be pushed on for ever).
 */
function firstRecheckIntoAtRisk(approval: ApprovalRecord) {
  let first;
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const h = approval.history[i];
    if (h.toStatus !== undefined && h.toStatus !== 'at-risk') break;
    if (h.type === 'recheck' && h.toStatus === 'at-risk') first = h;
  }
  return first;
}

/** The tasks one approval in force gives. */
export function approvalTasks(approval: ApprovalRecord, asOf: IsoDate, rules: RulesCatalogue): WorklistItem[] {
  const items: WorklistItem[] = [];
  if (approval.status === 'at-risk') {
    const entry = latestRecheckInto(approval, 'at-risk');
    const first = firstRecheckIntoAtRisk(approval) ?? entry;
    const deadline = isIsoDate(first?.details?.inspectorDeadline) ? first.details.inspectorDeadline : undefined;
    const overdue = deadline !== undefined && asOf > deadline;
    const unmet = Array.isArray(entry?.details?.unmetRequirements) ? entry.details.unmetRequirements : [];
    const message = overdue
      ? `Fristen for at tage stilling til godkendelsen udløb ${deadline}: påkrævede krav er ikke opfyldt (${unmet.join(', ')}); vurdér, om godkendelsen skal tilbagekaldes`
      : `Påkrævede krav er ikke opfyldt (${unmet.join(', ')}); vurdér${deadline ? ` senest ${deadline}` : ''}, om godkendelsen skal tilbagekaldes`;
    items.push({
      ...base(approval, asOf, 'at-risk', deadline, message, { unmetRequirements: unmet, ...(first ? { since: first.at } : {}), ...(entry?.evaluationId ? { evaluationId: entry.evaluationId } : {}) }),
      overdue,
    });
  }
  // A rådgivningsfunktion whose specialfunktion has ended: Socialstyrelsen decides (revoke, or renew once it is one again).
  for (const flag of approval.flags ?? []) {
    if (flag.code !== 'specialfunktion-ended') continue;
    const how = flag.cause === 'revoked' ? 'blev tilbagekaldt' : 'udløb';
    items.push(
      base(approval, asOf, 'specialfunktion-ended', undefined, `Specialfunktionen, som rådgivningsfunktionen hviler på, ${how} ${flag.endedOn}; Socialstyrelsen skal tage stilling til rådgivningsfunktionen`, {
        specialfunktionId: flag.approvalId,
        cause: flag.cause,
        endedOn: flag.endedOn,
      }),
    );
  }
  if (approval.status === 'evidence-overdue') {
    const entry = latestRecheckInto(approval, 'evidence-overdue');
    const reportingDate = entry?.details?.reportingDate;
    items.push(
      base(approval, asOf, 'evidence-overdue', undefined, `Dokumentationen${typeof reportingDate === 'string' ? ` (indberettet ${reportingDate})` : ''} er for gammel; indhent ny dokumentation`, {
        ...(typeof reportingDate === 'string' ? { reportingDate } : {}),
        ...(typeof entry?.details?.maxAgeMonths === 'number' ? { maxAgeMonths: entry.details.maxAgeMonths } : {}),
      }),
    );
  }
  const opensOn = renewalWindowOpensOn(approval, rules);
  if (opensOn !== undefined && opensOn <= asOf && asOf <= approval.validUntil) {
    items.push(base(approval, asOf, 'renewal-window', approval.validUntil, `Fornyelsesvinduet åbnede ${opensOn}; godkendelsen udløber ${approval.validUntil}`, { renewalWindowOpensOn: opensOn }));
  }
  if (approval.validUntil <= addDays(asOf, ENDING_WITHIN_DAYS)) {
    const ended = approval.validUntil < asOf;
    items.push(
      base(
        approval,
        asOf,
        'ending',
        approval.validUntil,
        ended ? `Gyldighedsperioden sluttede ${approval.validUntil}; godkendelsen er udløbet` : `Gyldighedsperioden slutter ${approval.validUntil}`,
        { ended },
      ),
    );
  }
  return items;
}

async function latestRun(store: RecordStore): Promise<RecheckRun | undefined> {
  const runs = await store.findDocuments<RecheckRun>('recheckRuns', {});
  return runs.reduce<RecheckRun | undefined>((newest, r) => (!newest || r.startedAt > newest.startedAt ? r : newest), undefined);
}

/** Approvals the newest run could not re-check, unless re-checked (or decided on) since. */
async function failedRechecks(store: RecordStore, run: RecheckRun, asOf: IsoDate, scope: { tilsyn?: string; speciale?: string; level?: string }): Promise<WorklistItem[]> {
  const items: WorklistItem[] = [];
  const seen = new Set<string>();
  for (const failure of run.failures) {
    if (failure.approvalId === '-' || seen.has(failure.approvalId)) continue;
    seen.add(failure.approvalId);
    const approval = await store.getApproval(failure.approvalId);
    if (!approval) continue;
    if ((scope.tilsyn && approval.tilsyn !== scope.tilsyn) || (scope.speciale && approval.speciale !== scope.speciale) || (scope.level && approval.level !== scope.level)) continue;
    if (approval.history.some((h) => h.at > run.startedAt)) continue;
    items.push(
      base(approval, asOf, 'failed-recheck', approval.nextDueDate, `Genvurderingen i kørslen ${run.id} mislykkedes: ${failure.message}; genvurdér godkendelsen`, {
        runId: run.id,
        failure: failure.message,
        runStartedAt: run.startedAt,
      }),
    );
  }
  return items;
}
