import type { ApprovalRecord, EvaluationRecord, HistoryEntry, ProviderLocation, ProviderRecord } from '../approvals/records';
import type { ConditionResult, RequirementResult } from '../evaluation/types';
import { municipality, tilsynInfo, type Tilsyn } from '../geography';
import type { RulesCatalogue } from '../rules/catalogue';
import { formatValue, requirementPhrase } from '../rules/describe';
import { danishDate } from '../rules/render';
import { LEVEL_TITLES } from '../rules/types';
import { addDays, isIsoDate, type IsoDate } from '../time/dates';
import { decisionKind, decisionsIn, decisionTitle } from './kinds';
import { fillText, type DecisionTexts } from './texts';

/** The version of the document's JSON shape; raised when a field changes meaning or goes away. */
export const DECISION_FORMAT_VERSION = 1;

/** One condition behind a requirement: what was found against what was required. */
export interface DecisionCondition {
  fact: string;
  required: unknown;
  actual: unknown;
  unit: string | null;
  /** The requirement in words, e.g. "mindst 2 årsværk". */
  requiredText: string;
  /** The value found in words, e.g. "2,5 årsværk"; "–" when it could not be worked out. */
  actualText: string;
  outcome: ConditionResult['outcome'];
  explanation: string;
}

export interface DecisionReason {
  id: string;
  title: string;
  category: RequirementResult['category'];
  severity: RequirementResult['severity'];
  outcome: RequirementResult['outcome'];
  transitional: boolean;
  explanation: string;
  conditions: DecisionCondition[];
}

/**
 * A written decision (afgørelse): one decision in an approval's history, with everything the provider and an
 * appeals body need to read it and to reproduce it – parties, the decision and its period, legal basis, the
 * rule set with its hash, the reasons requirement by requirement, the evidence's date and hash, the
 * provider's duties and the klagevejledning. The HTML page shows the same content.
 */
export interface DecisionDocument {
  formatVersion: number;
  approvalId: string;
  /** 1 for the first decision in the approval's history. */
  number: number;
  /** How many decisions the history holds now. */
  count: number;
  kind: string;
  title: string;
  /** Present when the deployment's texts are the illustrative default. */
  notice?: string;
  decidedAt: string;
  decidedOn: IsoDate;
  parties: {
    provider: { name: string; tilbudId: string; cvr: string; kommunekode: string; municipality: string; region: string };
    authority: { name: string; tilsyn?: string };
    /** The subject of the person who made the decision. */
    decidedBy: string;
  };
  decision: {
    /** The decision in one sentence. */
    statement: string;
    /** The decider's own reason, as recorded. */
    reason: string | null;
    speciale: string;
    level: ApprovalRecord['level'];
    status: string | null;
    /** The period the decision grants or confirms; null for a rejection. */
    period: { validFrom: IsoDate; validUntil: IsoDate } | null;
    /** A revocation: the day the approval ends. */
    endsOn?: IsoDate;
    /** A renewal: where the period ended before it. */
    previousValidUntil?: IsoDate;
    /** A rådgivningsfunktion: the tender (udbud) the decision followed. */
    tender?: string;
  };
  legalBasis: string[];
  ruleset: {
    speciale: string;
    title: string | null;
    version: string;
    /** null when the version is no longer loaded. */
    effectiveFrom: IsoDate | null;
    effectiveTo?: IsoDate;
    hash: string;
  };
  /** The evaluation the decision rests on (a revocation: the newest one before it); null when none is stored. */
  evaluation: { id: string; asOf: IsoDate; overall: string; summary: string; engineVersion: string } | null;
  reasons: DecisionReason[];
  evidence: { reportingDate: IsoDate; hash: string } | null;
  obligations: { reportingDuty: string; recheck: string; recheckIntervalMonths: number | null; nextDueDate?: IsoDate };
  appeal: string[];
}

export interface DecisionSources {
  approval: ApprovalRecord;
  /** 1-based among the history's decisions. */
  number: number;
  /** Reads the evaluation a decision names (from the store). */
  evaluation: (id: string) => Promise<EvaluationRecord | null>;
  /** The provider in the register (null when not registered): where it was when it moved. */
  provider: ProviderRecord | null;
  rules: RulesCatalogue;
  texts: DecisionTexts;
}

/** How many decisions the approval's history holds. */
export function decisionCount(approval: Pick<ApprovalRecord, 'history'>): number {
  return decisionsIn(approval.history).length;
}

/** The written decision number `number` (1-based) of the approval; undefined when there is none with that number. */
export async function decisionDocument(sources: DecisionSources): Promise<DecisionDocument | undefined> {
  const { approval, number, rules, texts } = sources;
  const decisions = decisionsIn(approval.history);
  const found = decisions[number - 1];
  if (!found) return undefined;
  const { entry, index } = found;
  const kind = decisionKind(entry);
  const evaluationId = evaluationBehind(approval, index);
  const evaluation = evaluationId ? await sources.evaluation(evaluationId) : null;
  // Without its evaluation (never expected) the approval's current version is the best the record says.
  const rulesetVersion = evaluation?.rulesetVersion ?? approval.rulesetVersion;
  const ruleset = rules.get(approval.speciale, rulesetVersion);
  const policy = ruleset?.levels[approval.level].approvalPolicy;
  const location = locationOn(entry.at, approval, sources.provider);
  const authority = authorityOf(kind, approval.level, location.tilsyn);
  const levelWord = LEVEL_TITLES[approval.level].toLowerCase();
  const fill = (text: string) =>
    fillText(text, { authority: authority.name, level: levelWord, recheckIntervalMonths: policy ? String(policy.recheckIntervalMonths) : '–' });
  const decidedOn = entry.at.slice(0, 10);
  const decision = decisionPart(approval, entry, index, kind, decidedOn);
  const p = approval.provider;
  return {
    formatVersion: DECISION_FORMAT_VERSION,
    approvalId: approval.id,
    number,
    count: decisions.length,
    kind,
    title: `${decisionTitle(kind)} som ${levelWord}`,
    ...(texts.illustrative ? { notice: texts.illustrative } : {}),
    decidedAt: entry.at,
    decidedOn,
    parties: {
      provider: {
        name: p.name,
        tilbudId: p.tilbudId,
        cvr: p.cvr,
        kommunekode: location.kommunekode,
        municipality: municipality(location.kommunekode)?.navn ?? location.kommunekode,
        region: location.region,
      },
      authority,
      decidedBy: entry.by,
    },
    decision: { ...decision, statement: statement(kind, p.name, levelWord, approval.speciale, decision) },
    legalBasis: (texts.legalBasis[kind] ?? texts.legalBasis.default).map(fill),
    ruleset: {
      speciale: approval.speciale,
      title: ruleset?.title.da ?? null,
      version: rulesetVersion,
      effectiveFrom: ruleset?.effectiveFrom ?? null,
      ...(ruleset?.effectiveTo ? { effectiveTo: ruleset.effectiveTo } : {}),
      hash: evaluation?.rulesetHash ?? approval.rulesetHash,
    },
    evaluation: evaluation
      ? { id: evaluation.id, asOf: evaluation.asOf, overall: evaluation.overall, summary: evaluation.result.summary, engineVersion: evaluation.engineVersion }
      : null,
    reasons: (evaluation?.result.requirements ?? []).map(reasonOf),
    evidence: evaluation ? { reportingDate: evaluation.result.evidence.reportingDate, hash: evaluation.evidenceHash } : null,
    obligations: {
      reportingDuty: fill(texts.reportingDuty),
      recheck: fill(texts.recheck),
      recheckIntervalMonths: policy?.recheckIntervalMonths ?? null,
      ...(index === approval.history.length - 1 && approval.nextDueDate ? { nextDueDate: approval.nextDueDate } : {}),
    },
    appeal: texts.appeal.map(fill),
  };
}

/** The evaluation a decision rests on: the one it names, else the newest one named before it. */
function evaluationBehind(approval: ApprovalRecord, index: number): string | undefined {
  for (let i = index; i >= 0; i--) {
    const id = approval.history[i].evaluationId;
    if (id !== undefined) return id;
  }
  return index === 0 ? approval.evaluationId : undefined;
}

function firstRenewalAfter(approval: ApprovalRecord, index: number): HistoryEntry | undefined {
  return approval.history.slice(index + 1).find((h) => h.type === 'renewal');
}

/** Where the approval's period ended right after history entry `index`: the next renewal says where it was, else it is still the stored end. */
function validUntilAfter(approval: ApprovalRecord, index: number): IsoDate {
  const next = firstRenewalAfter(approval, index);
  const previous = next?.details?.previousValidUntil;
  return typeof previous === 'string' ? previous : approval.validUntil;
}

function decisionPart(approval: ApprovalRecord, entry: HistoryEntry, index: number, kind: string, decidedOn: IsoDate): Omit<DecisionDocument['decision'], 'statement'> {
  const details = entry.details ?? {};
  const base = {
    reason: entry.reason ?? null,
    speciale: approval.speciale,
    level: approval.level,
    status: entry.toStatus ?? null,
    ...(typeof details.tender === 'string' ? { tender: details.tender } : {}),
  };
  switch (kind) {
    case 'rejection':
      return { ...base, period: null };
    case 'revocation':
      return { ...base, period: { validFrom: approval.validFrom, validUntil: validUntilAfter(approval, index) }, endsOn: decidedOn };
    case 'renewal': {
      const previous = typeof details.previousValidUntil === 'string' ? details.previousValidUntil : undefined;
      const validUntil = typeof details.validUntil === 'string' ? details.validUntil : validUntilAfter(approval, index);
      // As the renewal is made: the new period follows on the old one, or starts on the day of renewal if it had lapsed.
      const validFrom = previous !== undefined && previous >= decidedOn ? addDays(previous, 1) : decidedOn;
      return { ...base, period: { validFrom, validUntil }, ...(previous !== undefined ? { previousValidUntil: previous } : {}) };
    }
    default: {
      const from = isIsoDate(details.validFrom) ? details.validFrom : approval.validFrom;
      const until = isIsoDate(details.validUntil) ? details.validUntil : validUntilAfter(approval, index);
      return { ...base, period: { validFrom: from, validUntil: until } };
    }
  }
}

/**
 * Where the provider was when the decision was made: before the first move in the register after it, else
 * where the approval says it is now. A decision stays the one the socialtilsyn of that day made.
 */
function locationOn(at: string, approval: ApprovalRecord, provider: ProviderRecord | null): ProviderLocation {
  const later = provider?.moves.find((m) => m.at > at);
  return later ? later.from : { kommunekode: approval.provider.kommunekode, region: approval.provider.region, tilsyn: approval.tilsyn };
}

function authorityOf(kind: string, level: ApprovalRecord['level'], tilsyn: string): DecisionDocument['parties']['authority'] {
  // The rådgivningsfunktion is assigned, renewed and revoked by Socialstyrelsen (seed 002, section 2).
  if (kind === 'assignment' || (level === 'raadgivningsfunktion' && (kind === 'revocation' || kind === 'renewal'))) {
    return { name: 'Socialstyrelsen' };
  }
  return { name: tilsynInfo(tilsyn)?.navn ?? `Socialtilsyn ${tilsyn}`, tilsyn: tilsyn as Tilsyn };
}

function statement(kind: string, name: string, level: string, speciale: string, d: Omit<DecisionDocument['decision'], 'statement'>): string {
  const period = d.period ? `${danishDate(d.period.validFrom)} til og med ${danishDate(d.period.validUntil)}` : '';
  switch (kind) {
    case 'approval':
      return `${name} godkendes som ${level} inden for specialet ${speciale} i perioden ${period}.`;
    case 'rejection':
      return `${name} får afslag på godkendelse som ${level} inden for specialet ${speciale}.`;
    case 'revocation':
      return `${name}s godkendelse som ${level} inden for specialet ${speciale} tilbagekaldes med virkning fra ${danishDate(d.endsOn as IsoDate)}.`;
    case 'renewal':
      return `${name}s godkendelse som ${level} inden for specialet ${speciale} fornyes for perioden ${period}.`;
    case 'assignment':
      return `${name} tildeles rådgivningsfunktionen inden for specialet ${speciale} i perioden ${period}.`;
    default:
      return `Afgørelse (${kind}) om ${name}s ${level} inden for specialet ${speciale}${period ? `, perioden ${period}` : ''}.`;
  }
}

function reasonOf(r: RequirementResult): DecisionReason {
  return {
    id: r.id,
    title: r.title,
    category: r.category,
    severity: r.severity,
    outcome: r.outcome,
    transitional: r.transitional,
    explanation: r.explanation,
    conditions: r.conditions.map((c) => ({
      fact: c.fact,
      required: c.required,
      actual: c.actual,
      unit: c.unit,
      requiredText: requirementPhrase({ fact: c.fact, operator: c.operator, value: c.required, path: c.path, params: c.params }),
      actualText: c.actual === null || c.actual === undefined ? '–' : formatValue(c.actual, c.unit),
      outcome: c.outcome,
      explanation: c.explanation,
    })),
  };
}
