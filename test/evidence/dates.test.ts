import { evidenceDateProblems } from '../../src/evidence/dates';
import type { Evidence } from '../../src/evidence/types';
import { eligibleEvidence } from '../support/builders';

/** Reported 2026-09-01; nothing in it lies after that day. */
const reported = (): Evidence => eligibleEvidence();

describe('evidenceDateProblems (pure: today and asOf are given)', () => {
  it('finds nothing in evidence whose every date is on or before its reporting date, agreements reaching past it included', () => {
    const ev = reported();
    ev.agreements = [{ partnerType: 'regionspsykiatri', partnerName: 'A', validFrom: '2026-12-01', validTo: '2031-12-31', formal: true }];
    expect(evidenceDateProblems(ev, { today: '2026-09-01', asOf: '2026-09-01' })).toEqual([]);
  });

  it.each([
    [{ today: '2026-08-31' }, 'evidence-from-the-future'],
    [{ asOf: '2026-08-31' }, 'as-of-before-reporting-date'],
    // After today is what is said, also when the evaluation date is earlier still.
    [{ today: '2026-08-31', asOf: '2026-08-01' }, 'evidence-from-the-future'],
  ])('places the reporting date against today and the evaluation date: %j gives %s', (at, code) => {
    expect(evidenceDateProblems(reported(), at)).toEqual([{ code, pointer: '/reportingDate', message: expect.any(String) }]);
  });

  it('needs neither today nor asOf for dates inside the evidence, and names each by its pointer', () => {
    const ev = reported();
    ev.staff![0].educations = [{ education: 'paedagog', year: 2027 }];
    ev.citizenCourses!.entries![1].endDate = '2026-09-02';
    expect(evidenceDateProblems(ev).map((p) => [p.code, p.pointer])).toEqual([
      ['dated-after-reporting-date', '/staff/0/educations/0/year'],
      ['dated-after-reporting-date', '/citizenCourses/entries/1/endDate'],
    ]);
  });
});
