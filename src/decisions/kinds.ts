import type { HistoryEntry } from '../approvals/records';

/**
 * Which entries of an approval's history are decisions, and what kind. The history also keeps what happened
 * between decisions (evaluations, re-checks, expiry, reported capacity changes, new evidence, flags raised
 * for the decision-maker's attention): those are listed here and are not decisions. Every other entry type
 * is a decision, so a kind of decision added later gets its written decision without a change here; a new
 * entry type that is *not* a decision must be added to RECORD_KEEPING.
 */
export const RECORD_KEEPING: ReadonlySet<string> = new Set(['evaluation', 'status-change', 'recheck', 'capacity-change', 'evidence', 'flag']);

/** The kinds of decision the texts file names (legalBasis.<kind>); any other entry type is its own kind. */
export const DECISION_KINDS = ['approval', 'rejection', 'revocation', 'renewal', 'assignment'] as const;
export type KnownDecisionKind = (typeof DECISION_KINDS)[number];

export function isDecision(entry: Pick<HistoryEntry, 'type'>): boolean {
  return !RECORD_KEEPING.has(entry.type);
}

/** The kind of a decision entry: the first decision approves or rejects; others are named by their type. */
export function decisionKind(entry: Pick<HistoryEntry, 'type' | 'toStatus'>): string {
  if (entry.type === 'decision') return entry.toStatus === 'rejected' ? 'rejection' : 'approval';
  return entry.type;
}

/** The decisions in a history, in order, with their index in it. */
export function decisionsIn(history: readonly HistoryEntry[]): { entry: HistoryEntry; index: number }[] {
  return history.flatMap((entry, index) => (isDecision(entry) ? [{ entry, index }] : []));
}

const TITLES: Record<KnownDecisionKind, string> = {
  approval: 'Afgørelse om godkendelse',
  rejection: 'Afgørelse om afslag på godkendelse',
  revocation: 'Afgørelse om tilbagekaldelse af godkendelse',
  renewal: 'Afgørelse om fornyelse af godkendelse',
  assignment: 'Afgørelse om tildeling af rådgivningsfunktion',
};

export function decisionTitle(kind: string): string {
  return (TITLES as Record<string, string>)[kind] ?? `Afgørelse (${kind})`;
}
