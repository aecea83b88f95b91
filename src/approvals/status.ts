/**
 * The approval statuses and what "in force" means, defined once. The store is told which statuses are in
 * force (it keeps one approval in force per provider, speciale and level); the register, capacity,
 * re-checks and decisions ask here.
 */
export const APPROVAL_STATUSES = ['active', 'at-risk', 'evidence-overdue', 'rejected', 'revoked', 'expired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Statuses in which an approval is in force: shown in the register, re-checked, can be revoked or renewed. */
export const IN_FORCE_STATUSES = ['active', 'at-risk', 'evidence-overdue'] as const satisfies readonly ApprovalStatus[];
export type InForceStatus = (typeof IN_FORCE_STATUSES)[number];

export function isInForce(status: string): status is InForceStatus {
  return (IN_FORCE_STATUSES as readonly string[]).includes(status);
}

/**
 * Whether the approval is in force on `date`: a status in force and the date within its period (one
 * whose period has ended stays `active` until a batch run marks it expired; one may also start later).
 */
export function inForceOn(approval: { status: string; validFrom: string; validUntil: string }, date: string): boolean {
  return isInForce(approval.status) && approval.validFrom <= date && date <= approval.validUntil;
}
