/**
 * Which changes the MongoDB store refuses, decided from what its transaction read before writing (a
 * write error would abort the transaction and the other changes of a commitMany with it). The reads
 * themselves are covered by the store contract against a real replica set (mongo.test.ts).
 */
import { inForcePredicate } from '../../src/store/common';
import { refusalOf, type ChangeFacts } from '../../src/store/mongoRefusals';
import { STORE_OPTIONS } from './support/fixtures';

const inForce = inForcePredicate(STORE_OPTIONS);
import { approval, evaluation, registered, type ContractChange } from './support/fixtures';

const audit = { at: '2026-03-01T10:00:00.000Z', subject: 'inspektoer@midt', action: 'test', entityType: 'approval', entityId: 'x', summary: {} };
const nothingStored: ChangeFacts = { evaluationExists: false, approvalExists: false, storedVersion: null, inForceId: undefined, documentExists: [] };
const facts = (overrides: Partial<ChangeFacts>): ChangeFacts => ({ ...nothingStored, ...overrides });

describe('refusalOf (MongoDB store: refusals decided by reads)', () => {
  const e = evaluation();
  const a = approval({ status: 'active' });

  it('a change whose records are all new is written', () => {
    const change: ContractChange = { audit, evaluation: e, approval: { insert: a }, documents: [{ collection: 'rechecks', doc: { id: 'r-1' } }] };
    expect(refusalOf(change, facts({ documentExists: [false] }), inForce)).toBeUndefined();
  });

  it('an evaluation, approval or document id that is stored is refused as a duplicate, naming its collection', () => {
    expect(refusalOf({ audit, evaluation: e }, facts({ evaluationExists: true }), inForce)).toEqual({ reason: 'duplicate-id', collection: 'evaluations', id: e.id });
    expect(refusalOf({ audit, approval: { insert: a } }, facts({ approvalExists: true }), inForce)).toEqual({ reason: 'duplicate-id', collection: 'approvals', id: a.id });
    const documents: ContractChange['documents'] = [
      { collection: 'rechecks', doc: { id: 'r-1' } },
      { collection: 'capacityChanges', doc: { id: 'c-1' } },
    ];
    expect(refusalOf({ audit, documents }, facts({ documentExists: [false, true] }), inForce)).toEqual({ reason: 'duplicate-id', collection: 'capacityChanges', id: 'c-1' });
  });

  it('the first record in writing order that cannot be written is the one named', () => {
    const change: ContractChange = { audit, evaluation: e, approval: { insert: a }, documents: [{ collection: 'rechecks', doc: { id: 'r-1' } }] };
    const all = facts({ evaluationExists: true, approvalExists: true, inForceId: 'other', documentExists: [true] });
    expect(refusalOf(change, all, inForce)).toMatchObject({ collection: 'evaluations' });
    expect(refusalOf(change, { ...all, evaluationExists: false }, inForce)).toMatchObject({ collection: 'approvals' });
    expect(refusalOf(change, { ...all, evaluationExists: false, approvalExists: false }, inForce)).toMatchObject({ reason: 'approval-in-force' });
    expect(refusalOf(change, { ...all, evaluationExists: false, approvalExists: false, inForceId: undefined }, inForce)).toMatchObject({ collection: 'rechecks' });
  });

  it('the same document id twice in one change is refused (the second insert would meet the first); the same id in two collections is not', () => {
    const twice: ContractChange = { audit, documents: [{ collection: 'rechecks', doc: { id: 'r-1' } }, { collection: 'rechecks', doc: { id: 'r-1' } }] };
    expect(refusalOf(twice, facts({ documentExists: [false, false] }), inForce)).toEqual({ reason: 'duplicate-id', collection: 'rechecks', id: 'r-1' });
    const apart: ContractChange = { audit, documents: [{ collection: 'rechecks', doc: { id: 'r-1' } }, { collection: 'recheckRuns', doc: { id: 'r-1' } }] };
    expect(refusalOf(apart, facts({ documentExists: [false, false] }), inForce)).toBeUndefined();
  });

  it('an update is stale unless the stored version is the expected one, also when the approval does not exist', () => {
    const update = (expectedVersion: number): ContractChange => ({ audit, approval: { update: { ...a, status: 'revoked' }, expectedVersion } });
    expect(refusalOf(update(3), facts({ storedVersion: 3 }), inForce)).toBeUndefined();
    expect(refusalOf(update(3), facts({ storedVersion: 4 }), inForce)).toEqual({ reason: 'stale-version', approvalId: a.id });
    expect(refusalOf(update(3), facts({ storedVersion: null }), inForce)).toEqual({ reason: 'stale-version', approvalId: a.id });
  });

  it('an approval written in force beside another in force is refused naming that one; a stale update is stale first', () => {
    expect(refusalOf({ audit, approval: { insert: a } }, facts({ inForceId: 'first' }), inForce)).toEqual({ reason: 'approval-in-force', approvalId: a.id, inForceId: 'first' });
    const renew: ContractChange = { audit, approval: { update: { ...a, status: 'at-risk' }, expectedVersion: 1 } };
    expect(refusalOf(renew, facts({ storedVersion: 1, inForceId: 'first' }), inForce)).toEqual({ reason: 'approval-in-force', approvalId: a.id, inForceId: 'first' });
    expect(refusalOf(renew, facts({ storedVersion: 2, inForceId: 'first' }), inForce)).toEqual({ reason: 'stale-version', approvalId: a.id });
  });

  it('a provider registered already is a duplicate, and a provider update is stale unless at the registered version; the provider is checked first', () => {
    const p = registered();
    const insert: ContractChange = { audit, evaluation: e, provider: { insert: p } };
    expect(refusalOf(insert, facts({ providerExists: false }), inForce)).toBeUndefined();
    expect(refusalOf(insert, facts({ providerExists: true, evaluationExists: true }), inForce)).toEqual({ reason: 'duplicate-id', collection: 'providers', id: p.tilbudId });
    const update = (expectedVersion: number): ContractChange => ({ audit, provider: { update: p, expectedVersion } });
    expect(refusalOf(update(2), facts({ providerVersion: 2 }), inForce)).toBeUndefined();
    expect(refusalOf(update(2), facts({ providerVersion: 3 }), inForce)).toEqual({ reason: 'stale-provider', tilbudId: p.tilbudId });
    expect(refusalOf(update(2), facts({ providerVersion: null }), inForce)).toEqual({ reason: 'stale-provider', tilbudId: p.tilbudId });
  });

  it('an approval written not in force (revoked, rejected, expired) never meets the one in force', () => {
    for (const status of ['revoked', 'rejected', 'expired'] as const) {
      expect(refusalOf({ audit, approval: { insert: { ...a, status } } }, facts({ inForceId: 'first' }), inForce)).toBeUndefined();
      expect(refusalOf({ audit, approval: { update: { ...a, status }, expectedVersion: 1 } }, facts({ storedVersion: 1, inForceId: 'first' }), inForce)).toBeUndefined();
    }
  });
});
