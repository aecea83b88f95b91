import type { EvaluationRecord } from '../approvals/records';
import { ENGINE_VERSION, evaluate } from '../evaluation/evaluate';
import { EVALUATOR_SEMANTICS_VERSION, UNRECORDED_SEMANTICS_VERSION } from '../evaluation/semantics';
import type { EvaluationResult, Overall, RequirementOutcome, RequirementResult } from '../evaluation/types';
import type { RulesCatalogue } from '../rules/catalogue';
import { canonicalJson, contentHash, rulesetHash } from '../rules/hash';
import type { Level } from '../rules/types';
import { periodEnd, type IsoDate } from '../time/dates';

/** What a replay needs of a recorded evaluation: the stored record's fields, or those of an export. */
export type ReplayInput = Pick<
  EvaluationRecord,
  'id' | 'speciale' | 'level' | 'rulesetVersion' | 'rulesetHash' | 'evidenceHash' | 'engineVersion' | 'semanticsVersion' | 'asOf' | 'overall' | 'result' | 'evidence'
>;

/** What may differ between a recorded evaluation and its replay. `result`: the outcome differs though nothing recorded explains it. */
export const REPLAY_DIFFERENCES = ['evidence', 'rule-file', 'semantics', 'result'] as const;
export type ReplayDifferenceKind = (typeof REPLAY_DIFFERENCES)[number];

export interface ReplayDifference {
  what: ReplayDifferenceKind;
  message: string;
}

export interface RequirementReplay {
  id: string;
  title: string;
  /** null: the requirement is not in the recorded result (or not in the replayed one). */
  recorded: RequirementOutcome | null;
  replayed: RequirementOutcome | null;
  /** Same outcome, same transitional flag and the same actual value for every condition. */
  identical: boolean;
}

export interface ReplayReport {
  evaluationId: string;
  /** The recorded evidence, rule file and semantics are those the evaluation was made with, and the result is the same. */
  identical: boolean;
  differences: ReplayDifference[];
  speciale: string;
  level: Level;
  asOf: IsoDate;
  evidence: { recordedHash: string; recomputedHash: string; identical: boolean };
  ruleset: { version: string; recordedHash: string; currentHash: string | null; identical: boolean };
  semantics: { recorded: number; current: number; identical: boolean };
  engine: { recorded: string; current: string };
  overall: { recorded: Overall; replayed: Overall | null; identical: boolean };
  requirements: RequirementReplay[];
}

/**
 * Re-run a recorded evaluation and say whether it comes out the same: the evidence's hash recomputed against
 * the recorded one, the recorded rule set version's content hash against the rule file loaded now, the
 * evaluator's semantics version, and the evaluation itself re-run with the recorded date, level and version
 * (and the recorded transitional requirements, which a re-check under a new version's transition period had).
 * Reads nothing but its arguments: the service and the offline CLI run the same code.
 */
export async function replayEvaluation(input: ReplayInput, rules: RulesCatalogue): Promise<ReplayReport> {
  const differences: ReplayDifference[] = [];
  const recomputedHash = contentHash(input.evidence);
  const evidenceSame = recomputedHash === input.evidenceHash;
  if (!evidenceSame) {
    differences.push({
      what: 'evidence',
      message: `Dokumentationen er ikke den, evalueringen blev lavet på: dens hash er nu ${recomputedHash}, registreret er ${input.evidenceHash}`,
    });
  }

  const ruleset = rules.get(input.speciale, input.rulesetVersion);
  const currentHash = ruleset ? rulesetHash(ruleset) : null;
  const rulesSame = currentHash === input.rulesetHash;
  if (!ruleset) {
    differences.push({ what: 'rule-file', message: `Regelsættet ${input.speciale} ${input.rulesetVersion} er ikke indlæst; evalueringen kan ikke genberegnes uden det` });
  } else if (!rulesSame) {
    differences.push({
      what: 'rule-file',
      message: `Regelfilen for ${input.speciale} ${input.rulesetVersion} har ikke længere det indhold, evalueringen blev lavet efter: dens hash er nu ${currentHash}, registreret er ${input.rulesetHash}`,
    });
  }

  // Evaluations stored before the semantics were recorded were made under the first.
  const recordedSemantics = input.semanticsVersion ?? input.result.semanticsVersion ?? UNRECORDED_SEMANTICS_VERSION;
  let replayed: EvaluationResult | undefined;
  if (ruleset) {
    const transitional = input.result.transitional ?? [];
    replayed = await evaluate({
      ruleset,
      level: input.level,
      evidence: input.evidence,
      asOf: input.asOf,
      // Recomputed above on purpose (to find edited evidence); not hashed a second time.
      evidenceHash: recomputedHash,
      ...(transitional.length > 0
        ? { transitionalRequirementIds: new Set(transitional), transitionEndsOn: periodEnd(ruleset.effectiveFrom, ruleset.levels[input.level].approvalPolicy.transitionMonths) }
        : {}),
    });
  }
  const currentSemantics = replayed?.semanticsVersion ?? EVALUATOR_SEMANTICS_VERSION;
  const semanticsSame = currentSemantics === recordedSemantics;
  if (!semanticsSame) {
    differences.push({
      what: 'semantics',
      message: `Evaluatorens semantik er ændret siden evalueringen (version ${recordedSemantics} dengang, ${currentSemantics} nu); et resultat kan afvige, selv om dokumentation og regelsæt er de samme`,
    });
  }

  const requirements = compareRequirements(input.result.requirements, replayed?.requirements);
  const overallSame = replayed !== undefined && replayed.overall === input.overall;
  const resultSame = overallSame && requirements.every((r) => r.identical);
  if (replayed && !resultSame && differences.length === 0) {
    differences.push({
      what: 'result',
      message: `Genberegningen giver et andet resultat, selv om dokumentation, regelfil og semantikversion er de samme (regelmotor ${input.engineVersion} dengang, ${ENGINE_VERSION} nu)`,
    });
  }

  return {
    evaluationId: input.id,
    identical: differences.length === 0 && resultSame,
    differences,
    speciale: input.speciale,
    level: input.level,
    asOf: input.asOf,
    evidence: { recordedHash: input.evidenceHash, recomputedHash, identical: evidenceSame },
    ruleset: { version: input.rulesetVersion, recordedHash: input.rulesetHash, currentHash, identical: rulesSame },
    semantics: { recorded: recordedSemantics, current: currentSemantics, identical: semanticsSame },
    engine: { recorded: input.engineVersion, current: ENGINE_VERSION },
    overall: { recorded: input.overall, replayed: replayed?.overall ?? null, identical: overallSame },
    requirements,
  };
}

function compareRequirements(recorded: readonly RequirementResult[], replayed: readonly RequirementResult[] | undefined): RequirementReplay[] {
  const after = new Map((replayed ?? []).map((r) => [r.id, r]));
  const rows: RequirementReplay[] = recorded.map((before) => {
    const now = after.get(before.id);
    after.delete(before.id);
    return { id: before.id, title: before.title, recorded: before.outcome, replayed: now?.outcome ?? null, identical: now !== undefined && sameRequirement(before, now) };
  });
  for (const now of after.values()) rows.push({ id: now.id, title: now.title, recorded: null, replayed: now.outcome, identical: false });
  return rows;
}

function sameRequirement(a: RequirementResult, b: RequirementResult): boolean {
  if (a.outcome !== b.outcome || a.transitional !== b.transitional || a.conditions.length !== b.conditions.length) return false;
  return a.conditions.every((c, i) => c.outcome === b.conditions[i].outcome && canonicalJson(c.actual ?? null) === canonicalJson(b.conditions[i].actual ?? null));
}
