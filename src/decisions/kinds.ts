import type { HistoryEntry } from '../approvals/records';

/**
 * Which entries of an approval's history are decisions. The history also keeps what happened between
 * decisions (evaluations, re-checks, expiry, reported capacity changes, new evidence, flags raised for the
 * decision-maker's attention). Every entry type is classified here, by type: a type added to HistoryEntry
 * does not compile until it is, and a new kind of decision then gets its written decision with nothing more.
 */
export const ENTRY_TYPES: Record<HistoryEntry['type'], 'decision' | 'record'> = {
  decision: 'decision',
  assignment: 'decision',
  renewal: 'decision',
  revocation: 'decision',
  evaluation: 'record',
  'status-change': 'record',
  recheck: 'record',
  'capacity-change': 'record',
  evidence: 'record',
  flag: 'record',
};

/** The kinds of decision the texts file names (legalBasis.<kind>); any other entry type is its own kind. */
export const DECISION_KINDS = ['approval', 'rejection', 'revocation', 'renewal', 'assignment'] as const;
export type KnownDecisionKind = (typeof DECISION_KINDS)[number];

export function isDecision(entry: Pick<HistoryEntry, 'type'>): boolean {
  return ENTRY_TYPES[entry.type] === 'decision';
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
