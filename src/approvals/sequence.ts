/**
 * Which decision may follow which. A provider has one approval in force per speciale and level: a second is
 * refused until the first is revoked, or the first is renewed once its renewal window opens. Renewal is only
 * for an approval in force; one past its validUntil counts as expired at once (the batch only records it), and
 * after expiry comes a new approval. A new approval after a revocation rests on evidence reported after it.
 * Every refusal is a 409 with a code and names the action that will work.
 */
import type { Principal } from '../auth';
import type { RulesCatalogue } from '../rules/catalogue';
import type { IsoDate } from '../time/dates';
import { canSee } from './access';
import { ADVISORY_LEVEL } from './advisory';
import { conflict, type DomainError } from './errors';
import type { ApprovalRecord, EvaluationRecord, RecordStore } from './records';
import { renewalWindowOpensOn } from './recheck';
import { IN_FORCE_STATUSES, isInForce } from './status';

/** In force by its status, but its period ended before `today`: expired, though no batch run has recorded it yet. */
export function hasLapsed(approval: Pick<ApprovalRecord, 'status' | 'validUntil'>, today: IsoDate): boolean {
  return isInForce(approval.status) && approval.validUntil < today;
}

/** Where a new decision at this level is made. */
function newDecisionRoute(level: string): string {
  return level === ADVISORY_LEVEL ? 'POST /v1/advisory-assignments' : 'POST /v1/approvals';
}

/** The provider's approval with a status in force for the speciale and level, if any (lapsed or not). */
export async function approvalWithStatusInForce(store: RecordStore, of: Pick<ApprovalRecord, 'provider' | 'speciale' | 'level'>): Promise<ApprovalRecord | undefined> {
  for (const status of IN_FORCE_STATUSES) {
    for await (const a of store.findApprovals({ tilbudId: of.provider.tilbudId, speciale: of.speciale, level: of.level, status })) return a;
  }
  return undefined;
}

/** When the approval's renewal window opens (from the version it was granted under). */
function windowOpensOn(rules: RulesCatalogue, approval: ApprovalRecord): IsoDate {
  // A version no longer loaded: the window is not known; it has opened by the end at the latest.
  return renewalWindowOpensOn(approval, rules) ?? approval.validUntil;
}

/**
 * 409 `approval-in-force`: the provider already has an approval in force. Its id, period and renewal window
 * are named only to someone who may see it (another tilsyn's inspector learns that there is one, not which).
 */
export function inForceConflict(deps: { rules: RulesCatalogue; clock: { now(): Date } }, actor: Principal, inForce: ApprovalRecord | null): DomainError {
  if (inForce && canSee(actor, inForce.tilsyn)) {
    const opensOn = windowOpensOn(deps.rules, inForce);
    const today = deps.clock.now().toISOString().slice(0, 10);
    const renew = opensOn <= today ? 'forny den (fornyelsesvinduet er åbent)' : `forny den, når fornyelsesvinduet åbner ${opensOn}`;
    return conflict(
      `Tilbuddet har allerede en gældende godkendelse (${inForce.id}) for samme speciale og niveau, gyldig til ${inForce.validUntil}; tilbagekald den først, eller ${renew}`,
      { approvalId: inForce.id, validUntil: inForce.validUntil, renewalWindowOpensOn: opensOn },
      'approval-in-force',
    );
  }
  return conflict(
    'Tilbuddet har allerede en gældende godkendelse for samme speciale og niveau; kun den, der har truffet den afgørelse, kan tilbagekalde eller forny den',
    {},
    'approval-in-force',
  );
}

/** 409 when the approval cannot be renewed (anything but in force and within its period), naming what to do instead. */
export function notRenewable(current: ApprovalRecord, today: IsoDate): DomainError | undefined {
  const anew = newDecisionRoute(current.level);
  if (current.decision !== 'approved' || current.status === 'rejected') {
    return conflict(`Et afslag kan ikke fornyes; evaluér på ny dokumentation, og træf en ny afgørelse (${anew})`, {}, 'approval-rejected');
  }
  if (current.status === 'revoked') {
    return conflict(
      `Godkendelsen er tilbagekaldt og kan ikke fornyes; en ny afgørelse (${anew}) kræver dokumentation indberettet efter tilbagekaldelsen`,
      { revokedOn: revokedOn(current) },
      'approval-revoked',
    );
  }
  if (current.status === 'expired' || hasLapsed(current, today)) {
    return conflict(
      `Godkendelsen udløb ${current.validUntil}; en udløbet godkendelse fornyes ikke – søg på ny: evaluér på aktuel dokumentation, og træf en ny afgørelse (${anew})`,
      { validUntil: current.validUntil },
      'approval-expired',
    );
  }
  return undefined;
}

/** 409 when the approval cannot be revoked (it is not in force), saying why. */
export function notRevocable(current: ApprovalRecord, today: IsoDate): DomainError | undefined {
  if (current.decision !== 'approved' || current.status === 'rejected') {
    return conflict('Et afslag kan ikke tilbagekaldes; det er ikke en godkendelse', {}, 'approval-rejected');
  }
  if (current.status === 'revoked') {
    return conflict(`Godkendelsen er allerede tilbagekaldt (${revokedOn(current) ?? 'tidligere'})`, { revokedOn: revokedOn(current) }, 'approval-revoked');
  }
  if (current.status === 'expired' || hasLapsed(current, today)) {
    return conflict(
      `Godkendelsen udløb ${current.validUntil} og er ikke længere gældende; der er intet at tilbagekalde`,
      { validUntil: current.validUntil },
      'approval-expired',
    );
  }
  return undefined;
}

/** The day the approval was revoked (its last revocation). */
export function revokedOn(approval: ApprovalRecord): IsoDate | undefined {
  const entry = [...approval.history].reverse().find((h) => h.type === 'revocation');
  return entry?.at.slice(0, 10);
}

/**
 * 409 `evidence-before-revocation`: after a revocation, a new approval for the provider, speciale and level
 * rests on evidence reported after the revocation; an evaluation of older evidence cannot undo it.
 */
export async function assertEvidenceAfterRevocation(store: RecordStore, actor: Principal, evaluation: EvaluationRecord): Promise<void> {
  let latest: { approval: ApprovalRecord; on: IsoDate } | undefined;
  for await (const a of store.findApprovals({ tilbudId: evaluation.provider.tilbudId, speciale: evaluation.speciale, level: evaluation.level, status: 'revoked' })) {
    const on = revokedOn(a);
    if (on !== undefined && (!latest || on > latest.on)) latest = { approval: a, on };
  }
  const { reportingDate } = evaluation.result.evidence;
  if (!latest || reportingDate > latest.on) return;
  throw conflict(
    `Tilbuddets godkendelse for samme speciale og niveau blev tilbagekaldt ${latest.on}; en ny godkendelse kræver dokumentation indberettet efter tilbagekaldelsen (denne er indberettet ${reportingDate}). Indhent ny dokumentation, og evaluér igen`,
    { revokedOn: latest.on, ...(canSee(actor, latest.approval.tilsyn) ? { approvalId: latest.approval.id } : {}) },
    'evidence-before-revocation',
  );
}
