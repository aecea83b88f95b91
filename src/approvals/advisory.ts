/**
 * The rådgivningsfunktion is Socialstyrelsen's (seed 002, section 2: "Videns- og rådgivningsforpligtelsen
 * tildeles af Socialstyrelsen efter udbud og vil i udgangspunktet gælde i otte år"). Socialstyrelsen (or an
 * admin) stores evaluations at that level, assigns one after a tender, renews and revokes it; a socialtilsyn
 * decides on specialfunktioner and keeps re-checking both. A rådgivningsfunktion rests on a specialfunktion in
 * force for the same provider and speciale; when that one is revoked or expires, the rådgivningsfunktion is
 * flagged for Socialstyrelsen in the same transaction, never ended silently.
 */
import type { AuditRecord } from '../audit';
import type { Principal } from '../auth';
import type { CommitOutcome, Refusal } from '../store/types';
import type { Level } from '../rules/types';
import { addDays, type IsoDate } from '../time/dates';
import { canDecide } from './access';
import { forbidden } from './errors';
import { approvalState } from './fold';
import type { ApprovalFlag, ApprovalRecord, HistoryEntry, RecordChange, RecordStore } from './records';
import { IN_FORCE_STATUSES, inForceOn } from './status';

export const ADVISORY_LEVEL = 'raadgivningsfunktion' as const satisfies Level;
export const SPECIALFUNKTION_LEVEL = 'specialfunktion' as const satisfies Level;

/** Socialstyrelsen, or an admin: who decides at the rådgivningsfunktion level. */
export function decidesAdvisory(actor: Principal): boolean {
  return actor.role === 'socialstyrelsen' || actor.role === 'admin';
}

export const advisoryReserved = (what: string) =>
  forbidden(`${what}: rådgivningsfunktioner tildeles, fornyes og tilbagekaldes af Socialstyrelsen efter udbud`, 'advisory-decided-by-socialstyrelsen');

/**
 * 403 unless the actor may decide (approve, assign, revoke, renew) at this level for a provider under
 * `tilsyn`: Socialstyrelsen or an admin at the rådgivningsfunktion level, the provider's socialtilsyn or an
 * admin at the specialfunktion level. (Whether the actor may see the provider at all is checked before.)
 */
export function assertMayDecideAt(actor: Principal, level: Level, tilsyn: string): void {
  if (level === ADVISORY_LEVEL) {
    if (!decidesAdvisory(actor)) throw advisoryReserved('En tilsynsførende kan ikke træffe afgørelse om en rådgivningsfunktion');
    return;
  }
  if (!canDecide(actor, tilsyn)) {
    throw forbidden('Kun en tilsynsførende fra tilbuddets socialtilsyn (eller en administrator) kan træffe afgørelse om en specialfunktion', 'decided-by-socialtilsyn');
  }
}

/** 403 unless the actor may store (not only dry-run) an evaluation at this level. */
export function assertMayStoreEvaluation(actor: Principal, level: Level): void {
  if (level === ADVISORY_LEVEL) {
    if (!decidesAdvisory(actor)) throw advisoryReserved('Evalueringer på rådgivningsfunktionsniveau gemmes af Socialstyrelsen (brug dryRun=true for en prøveevaluering)');
    return;
  }
  if (actor.role === 'socialstyrelsen') {
    throw forbidden('Socialstyrelsen kan kun lave prøveevalueringer (dryRun=true) på specialfunktionsniveau; socialtilsynet evaluerer og godkender specialfunktioner', 'decided-by-socialtilsyn');
  }
}

/** The provider's specialfunktion approval in force on `date` for the speciale, if any. */
export async function specialfunktionInForce(store: RecordStore, tilbudId: string, speciale: string, date: IsoDate): Promise<ApprovalRecord | undefined> {
  for (const status of IN_FORCE_STATUSES) {
    for await (const a of store.findApprovals({ tilbudId, speciale, level: SPECIALFUNKTION_LEVEL, status })) {
      if (inForceOn(a, date)) return a;
    }
  }
  return undefined;
}

const CAUSE_TEXT: Record<ApprovalFlag['cause'], string> = { revoked: 'er tilbagekaldt', expired: 'er udløbet' };

/**
 * The changes that flag every rådgivningsfunktion in force resting on `ended` (a specialfunktion approval as
 * it will be stored, revoked or expired), to be committed in the same transaction as its ending. A
 * rådgivningsfunktion already flagged for this specialfunktion approval is left as it is.
 */
export async function advisoryFlagChanges(store: RecordStore, ended: ApprovalRecord, cause: ApprovalFlag['cause'], by: string, at: string): Promise<RecordChange[]> {
  if (ended.level !== SPECIALFUNKTION_LEVEL) return [];
  const endedOn = cause === 'revoked' ? at.slice(0, 10) : addDays(ended.validUntil, 1);
  const changes: RecordChange[] = [];
  for (const status of IN_FORCE_STATUSES) {
    for await (const advisory of store.findApprovals({ tilbudId: ended.provider.tilbudId, speciale: ended.speciale, level: ADVISORY_LEVEL, status })) {
      if (advisory.flags?.some((f) => f.code === 'specialfunktion-ended' && f.approvalId === ended.id)) continue;
      changes.push(flagChange(advisory, { code: 'specialfunktion-ended', at, approvalId: ended.id, cause, endedOn }, by));
    }
  }
  return changes;
}

function flagChange(advisory: ApprovalRecord, flag: ApprovalFlag, by: string): RecordChange {
  const entry: HistoryEntry = {
    at: flag.at,
    by,
    type: 'flag',
    reason: `Specialfunktionen, rådgivningsfunktionen bygger på, ${CAUSE_TEXT[flag.cause]} (${flag.endedOn}); Socialstyrelsen skal tage stilling til rådgivningsfunktionen`,
    details: { flag: flag.code, approvalId: flag.approvalId, cause: flag.cause, endedOn: flag.endedOn },
  };
  const next: ApprovalRecord = {
    ...advisory,
    flags: [...(advisory.flags ?? []), flag],
    history: [...advisory.history, entry],
    updatedAt: flag.at,
    version: advisory.version + 1,
  };
  const audit: AuditRecord = {
    at: flag.at,
    subject: by,
    action: 'approval.flagged',
    entityType: 'approval',
    entityId: advisory.id,
    summary: { flag: flag.code, specialfunktionApprovalId: flag.approvalId, cause: flag.cause, endedOn: flag.endedOn, state: approvalState(next) },
  };
  return { approval: { update: next, expectedVersion: advisory.version }, audit };
}

/** An ending (a specialfunktion approval revoked or expired, as it will be stored) and the flags to commit with it. */
export interface Flagging {
  ended: ApprovalRecord;
  cause: ApprovalFlag['cause'];
  by: string;
  at: string;
  changes: RecordChange[];
}

export async function flaggingFor(store: RecordStore, ended: ApprovalRecord, cause: ApprovalFlag['cause'], by: string, at: string): Promise<Flagging> {
  return { ended, cause, by, at, changes: await advisoryFlagChanges(store, ended, cause, by, at) };
}

/** What committing changes together came to: all committed, or the one refused (its index) and why. */
export type TogetherOutcome = { committed: true } | ({ committed: false; index: number } & Refusal);

/**
 * Commits `changes` and the flags of an ending among them in one transaction, all or none. A flag refused
 * because its rådgivningsfunktion changed meanwhile is planned again from the stored one and everything is
 * tried again; a refusal of one of `changes` is returned, with its index among them.
 */
export async function commitWithFlags(store: RecordStore, changes: RecordChange[], flagging?: Flagging): Promise<TogetherOutcome> {
  let flags = flagging?.changes ?? [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const all = [...changes, ...flags];
    const outcome: TogetherOutcome = all.length === 1 ? single(await store.commit(all[0])) : await store.commitAll(all);
    if (outcome.committed || outcome.index < changes.length || !flagging) return outcome;
    flags = await advisoryFlagChanges(store, flagging.ended, flagging.cause, flagging.by, flagging.at);
  }
  throw new Error(`could not flag the rådgivningsfunktioner resting on approval ${flagging?.ended.id}: they kept changing`);
}

function single(outcome: CommitOutcome): TogetherOutcome {
  return outcome.committed ? { committed: true } : { ...outcome, index: 0 };
}
