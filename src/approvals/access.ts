import type { Principal } from '../auth';

/**
 * Who may see and decide what. An inspector works for one socialtilsyn and sees only its providers
 * (another tilsyn's records are reported as not found, so their existence does not leak);
 * Socialstyrelsen reads everything and decides nothing; an admin may do all.
 */
export function canSee(actor: Principal, tilsyn: string): boolean {
  return actor.role !== 'inspector' || actor.tilsyn === tilsyn;
}

export function canDecide(actor: Principal, tilsyn: string): boolean {
  return actor.role === 'admin' || (actor.role === 'inspector' && actor.tilsyn === tilsyn);
}
