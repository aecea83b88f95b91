import { analyseImpact } from '../../src/impact';
import { eligibleEvidence, ruleset } from '../support/builders';

/** Which approvals a draft version would break, and by which requirements: what a rule author acts on. */
describe('impact of a draft', () => {
  const evidenceWithoutEnoughPsychologist = () => {
    const ev = eligibleEvidence();
    ev.staff = ev.staff!.map((s) => (s.profession === 'psykolog' ? { ...s, fte: 0.5 } : s));
    return ev;
  };
  const snapshot = () => ({
    speciale: 'testspeciale',
    exportedAt: '2026-10-01T09:00:00Z',
    approvals: [{ approvalId: 'a-1', tilbudId: '1001', level: 'specialfunktion' as const, tilsyn: 'Midt', rulesetVersion: '1.0.0', evidence: evidenceWithoutEnoughPsychologist() }],
  });

  it('counts an advisory requirement the draft makes required as newly failing where it is not met', async () => {
    const current = ruleset();
    const draft = ruleset({ version: '1.1.0', status: 'draft' });
    draft.levels.specialfunktion.requirements.find((r) => r.id === 'TST-SF-06')!.severity = 'required';
    const report = await analyseImpact(snapshot(), current, draft, '2026-10-01');
    expect(report.approvals[0]).toMatchObject({ today: 'eligible', underDraft: 'not-eligible', newlyFailing: [{ id: 'TST-SF-06' }] });
    expect(report.byLevel.specialfunktion).toEqual({ approvals: 1, wouldFail: 1, newlyFailing: 1 });
  });

  it('does not count a requirement that already fails today as newly failing', async () => {
    const failingToday = snapshot();
    failingToday.approvals[0].evidence.agreements = [];
    const report = await analyseImpact(failingToday, ruleset(), ruleset({ version: '1.1.0', status: 'draft' }), '2026-10-01');
    expect(report.approvals[0]).toMatchObject({ today: 'not-eligible', underDraft: 'not-eligible', newlyFailing: [] });
    expect(report.byLevel.specialfunktion).toEqual({ approvals: 1, wouldFail: 1, newlyFailing: 0 });
  });
});
