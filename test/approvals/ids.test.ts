import { containsCprLike } from '../../src/privacy/cpr';
import { idFrom, newId } from '../../src/approvals/ids';

describe('record ids', () => {
  it('are never shaped like a CPR number, so the CPR guard never refuses one sent back', () => {
    for (let i = 0; i < 20_000; i++) expect(containsCprLike(newId())).toBe(false);
  });

  it('derive the same id from the same seed, and different ids from different seeds', () => {
    expect(idFrom('approval-1|schedule:2027-10-01')).toBe(idFrom('approval-1|schedule:2027-10-01'));
    expect(idFrom('approval-1|schedule:2027-10-01')).not.toBe(idFrom('approval-1|schedule:2028-10-01'));
    for (let i = 0; i < 5_000; i++) expect(containsCprLike(idFrom(`seed-${i}`))).toBe(false);
  });
});
