/**
 * An evaluation as the API shows it, and reading one: `approvable`, `blockers` and the summary are worked
 * out for the day it is shown, against the version in force that day.
 */
import type { Principal } from '../auth';
import { evidenceDateProblems } from '../evidence/dates';
import { readinessOf, type Blocker, type Readiness, type ReadinessContext } from '../evaluation/readiness';
import { UNRECORDED_SEMANTICS_VERSION } from '../evaluation/semantics';
import type { EvaluationResult } from '../evaluation/types';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Level } from '../rules/types';
import { today } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { visibleEvaluation, type DecisionDeps } from './decisionSupport';
import type { EvaluationRecord, ProviderRef } from './records';

/** An evaluation as the API shows it: the stored record without the raw evidence. */
export interface EvaluationView {
  id: string | null;
  stored: boolean;
  speciale: string;
  level: Level;
  asOf: IsoDate;
  overall: EvaluationResult['overall'];
  rulesetVersion: string;
  rulesetHash: string;
  evidenceHash: string;
  engineVersion: string;
  /** The evaluator's semantics the evaluation was made under (src/evaluation/semantics.ts). */
  semanticsVersion: number;
  /** Whether it can be the ground of an approval today, and what stands in the way (src/evaluation/readiness.ts). */
  approvable: boolean;
  blockers: Blocker[];
  provider: ProviderRef;
  createdAt: string;
  createdBy: string;
  approvalId?: string;
  result: EvaluationResult;
}

/** What `approvable` is judged against on a day: the version in force that day. */
export function readinessOn(rules: RulesCatalogue, speciale: string, day: IsoDate, evidenceProblems?: ReadinessContext['evidenceDateProblems']): ReadinessContext {
  return { today: day, versionInForce: rules.inForceOn(speciale, day)?.version ?? null, ...(evidenceProblems ? { evidenceDateProblems: evidenceProblems } : {}) };
}

/**
 * A stored evaluation as shown today: `approvable`, `blockers` and the summary worked out for today, also for
 * an evaluation stored before its evidence's dates were checked (which is not rewritten: it shows a blocker).
 */
export async function showEvaluation(deps: DecisionDeps, actor: Principal, id: string): Promise<EvaluationView> {
  const record = await visibleEvaluation(deps, actor, id);
  const todayIso = today(deps.clock);
  return toView(record, readinessOn(deps.rules, record.speciale, todayIso, evidenceDateProblems(record.evidence, { today: todayIso, asOf: record.asOf })));
}

/**
 * The API's view of an evaluation. With `now`, `approvable`, `blockers` and the summary are worked out for
 * that day (in the view and its result); without, they are as stored. Evaluations stored before the
 * evaluator's semantics were recorded show version 1.
 */
export function toView(record: EvaluationRecord, now?: ReadinessContext): EvaluationView {
  const semanticsVersion = record.semanticsVersion ?? record.result.semanticsVersion ?? UNRECORDED_SEMANTICS_VERSION;
  const shown: Readiness = now
    ? readinessOf(record.result, now)
    : { approvable: record.result.approvable ?? false, blockers: record.result.blockers ?? [], summary: record.result.summary };
  return {
    id: record.id,
    stored: true,
    speciale: record.speciale,
    level: record.level,
    asOf: record.asOf,
    overall: record.overall,
    rulesetVersion: record.rulesetVersion,
    rulesetHash: record.rulesetHash,
    evidenceHash: record.evidenceHash,
    engineVersion: record.engineVersion,
    semanticsVersion,
    approvable: shown.approvable,
    blockers: shown.blockers,
    provider: record.provider,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    ...(record.approvalId ? { approvalId: record.approvalId } : {}),
    result: { ...record.result, semanticsVersion, ...shown },
  };
}
