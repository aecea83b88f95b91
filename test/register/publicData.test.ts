import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence, ruleset } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';
import { REGISTER_STATUSES, sharedRegisterReader } from '../../src/register';
import type { Ruleset } from '../../src/rules/types';
import type { ApprovalFilter } from '../../src/store/types';
import type { RecordStore } from '../../src/approvals/records';
import { seedApprovalChange } from '../support/seed';
import { expectProblem } from '../support/problemCodes';

let svc: TestService;
afterEach(async () => {
  await svc.close();
});

type Who = Parameters<typeof bearer>[0];

/** Seeds providers: `[kommunekode, tilbudId, who decides, name?]`; returns approval ids. */
async function seed(providers: [string, string, Who, string?][], decision: 'approved' | 'rejected' = 'approved'): Promise<string[]> {
  const ids: string[] = [];
  for (const [kommunekode, tilbudId, who, name = `Tilbud ${tilbudId}`] of providers) {
    const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, kommunekode, tilbudId, name } };
    const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer(who)).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
    expect(ev.status).toBe(201);
    const ap = await request(svc.app).post('/v1/approvals').set('Authorization', bearer(who)).send({ evaluationId: ev.body.id, decision, reason: 'Intern note om Hanne' });
    expect(ap.status).toBe(201);
    ids.push(ap.body.id);
  }
  return ids;
}

describe('the public register', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('lists approvals in force without a token and without staff, evidence or internal notes', async () => {
    const [a, b] = await seed([['751', '100', 'midt'], ['851', '200', 'nord']]);
    await seed([['751', '300', 'midt']], 'rejected');
    await request(svc.app).post(`/v1/approvals/${b}/revoke`).set('Authorization', bearer('nord')).send({ reason: 'ophørt' });
    const res = await request(svc.app).get('/v1/register');
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        tilbudId: '100', providerName: 'Tilbud 100', cvr: '29189846', kommunekode: '751', municipality: 'Aarhus', region: 'Midtjylland',
        socialtilsyn: 'Midt', speciale: 'testspeciale', level: 'specialfunktion', status: 'active', validFrom: '2026-10-01', validUntil: '2030-09-30',
      },
    ]);
    const text = JSON.stringify(res.body);
    for (const leak of ['M-001', 'Hanne', 'psykolog', 'evidence', 'reason', 'inspektoer', a]) expect(text).not.toContain(leak);
  });

  it('shows approvals in force today: also one whose evidence is overdue, but not one that starts later or whose period has ended', async () => {
    const [overdue, ended] = await seed([['751', '100', 'midt'], ['751', '101', 'midt']]);
    for (const [id, change] of [[overdue, { status: 'evidence-overdue' }], [ended, { validUntil: '2026-09-30' }]] as const) {
      const stored = (await svc.store.getApproval(id))!;
      expect(await seedApprovalChange(svc.store, { ...stored, ...change }, stored.version)).toBe(true);
    }
    const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId: '102' } };
    const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
    const later = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: ev.body.id, decision: 'approved', reason: 'ok', validFrom: '2027-06-01' });
    expect(later.status).toBe(201);
    const res = await request(svc.app).get('/v1/register');
    expectResponseMatchesSpec(res);
    expect(res.body.items.map((e: { tilbudId: string; status: string }) => [e.tilbudId, e.status])).toEqual([['100', 'evidence-overdue']]);
    svc.clock.set('2027-06-01T09:00:00Z');
    const fromJune = await request(svc.app).get('/v1/register');
    expect(fromJune.body.items.map((e: { tilbudId: string }) => e.tilbudId)).toEqual(['100', '102']);
  });

  it('answers CSV by Accept and 304 when nothing changed', async () => {
    await seed([['751', '100', 'midt']]);
    const csv = await request(svc.app).get('/v1/register').set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('tilbudId,providerName,cvr,kommunekode,municipality,region,socialtilsyn,speciale,level,status,validFrom,validUntil');
    expect(csv.text).toContain('"100","Tilbud 100","29189846"');
    const etag = csv.headers.etag;
    const again = await request(svc.app).get('/v1/register').set('Accept', 'text/csv').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    await seed([['461', '400', 'admin']]);
    expect((await request(svc.app).get('/v1/register').set('Accept', 'text/csv').set('If-None-Match', etag)).status).toBe(200);
  });

  it('gives Danish Excel semicolons and a UTF-8 byte-order mark when asked, quoting each field as RFC 4180 does', async () => {
    await seed([['751', '100', 'midt', 'Bøgely "Sølyst"; Åbo']]);
    const raw = await request(svc.app)
      .get('/v1/register?separator=semicolon')
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = raw.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('tilbudId;providerName;cvr;kommunekode;municipality;region;socialtilsyn;speciale;level;status;validFrom;validUntil');
    expect(lines[1]).toBe('"100";"Bøgely ""Sølyst""; Åbo";"29189846";"751";"Aarhus";"Midtjylland";"Midt";"testspeciale";"specialfunktion";"active";"2026-10-01";"2030-09-30"');
    expect(lines.slice(2)).toEqual(['']);

    // The default stays a comma file without a byte-order mark, with an ETag of its own.
    const comma = await request(svc.app).get('/v1/register').set('Accept', 'text/csv');
    expect(comma.text.startsWith('tilbudId,providerName,')).toBe(true);
    expect(comma.headers.etag).not.toBe(raw.headers.etag);
    expect((await request(svc.app).get('/v1/register?separator=comma').set('Accept', 'text/csv')).text).toBe(comma.text);
    const again = await request(svc.app).get('/v1/register?separator=semicolon').set('Accept', 'text/csv').set('If-None-Match', raw.headers.etag);
    expect(again.status).toBe(304);
    expect((await request(svc.app).get('/v1/register').set('Accept', 'text/csv').set('If-None-Match', raw.headers.etag)).status).toBe(200);
  });

  it('refuses a separator it does not know, naming the parameter', async () => {
    for (const value of ['tab', 'Semicolon', ';']) {
      const res = await request(svc.app).get(`/v1/register?separator=${encodeURIComponent(value)}`).set('Accept', 'text/csv');
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('https://specialfunktion.dk/problems/validation-failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: 'query:separator', code: 'value-not-allowed' })]);
    }
    const twice = await request(svc.app).get('/v1/register?separator=comma&separator=semicolon').set('Accept', 'text/csv');
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([expect.objectContaining({ pointer: 'query:separator' })]);
  });

  it('reads the approvals once for a burst of requests arriving together, and afresh for the next', async () => {
    await seed([['751', '100', 'midt']]);
    let readings = 0;
    const counting = new Proxy(svc.store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'findApprovals') {
          return (filter: ApprovalFilter) => {
            readings += 1;
            return target.findApprovals(filter);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as RecordStore;
    const read = sharedRegisterReader(counting, svc.clock);
    const burst = await Promise.all(Array.from({ length: 10 }, () => read()));
    // One reading visits every status shown in the register.
    expect(readings).toBe(REGISTER_STATUSES.length);
    expect(new Set(burst.map((b) => b.etag)).size).toBe(1);
    expect(burst[0].entries.map((e) => e.tilbudId)).toEqual(['100']);

    await seed([['461', '400', 'admin']]);
    const next = await read();
    expect(readings).toBe(2 * REGISTER_STATUSES.length);
    expect(next.entries.map((e) => e.tilbudId).sort()).toEqual(['100', '400']);
  });
});

describe('national capacity', () => {
  beforeEach(async () => {
    svc = await startTestService();
  });

  it('counts approvals per speciale, level and region, expiring ones, course volume and coverage gaps', async () => {
    await seed([['751', '100', 'midt'], ['751', '101', 'midt'], ['851', '200', 'nord']]);
    const res = await request(svc.app).get('/v1/capacity').set('Authorization', bearer('socialstyrelsen'));
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    const row = res.body.rows.find((r: { level: string }) => r.level === 'specialfunktion');
    const midt = row.regions.find((c: { region: string }) => c.region === 'Midtjylland');
    const nord = row.regions.find((c: { region: string }) => c.region === 'Nordjylland');
    // Each seeded provider reports 3 courses started in the 12 months up to 2026-10-01.
    expect(midt).toEqual({ region: 'Midtjylland', active: 2, atRisk: 0, expiringWithin6Months: 0, citizenCourses12Months: 6 });
    expect(nord).toMatchObject({ active: 1, citizenCourses12Months: 3 });
    expect(row.totals).toEqual({ active: 3, atRisk: 0, expiringWithin6Months: 0, citizenCourses12Months: 9 });
    expect(row.gaps.sort()).toEqual(['Hovedstaden', 'Sjælland', 'Syddanmark']);
    const rf = res.body.rows.find((r: { level: string }) => r.level === 'raadgivningsfunktion');
    expect(rf.gaps).toHaveLength(5);
  });

  it('counts only approvals in force on the day: not one that starts later, nor one whose period has ended before a batch run marked it', async () => {
    const [ended] = await seed([['751', '100', 'midt']]);
    const stored = (await svc.store.getApproval(ended))!;
    expect(await seedApprovalChange(svc.store, { ...stored, validUntil: '2026-09-30' }, stored.version)).toBe(true);
    const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId: '101' } };
    const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
    const later = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: ev.body.id, decision: 'approved', reason: 'ok', validFrom: '2027-06-01' });
    expect(later.status).toBe(201);
    await seed([['751', '102', 'midt']]);
    const res = await request(svc.app).get('/v1/capacity').set('Authorization', bearer('socialstyrelsen'));
    const row = res.body.rows.find((r: { level: string }) => r.level === 'specialfunktion');
    expect(row.regions.find((c: { region: string }) => c.region === 'Midtjylland')).toMatchObject({ active: 1, citizenCourses12Months: 3 });
  });

  it('renders a one-page overview with a chart per speciale', async () => {
    await seed([['751', '100', 'midt']]);
    const res = await request(svc.app).get('/v1/capacity').set('Authorization', bearer('admin')).set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('Regioner uden dækning');
  });

  it('names specialer, levels and socialtilsyn by their Danish titles on the page, never by id', async () => {
    await seed([['751', '100', 'midt']]);
    const res = await request(svc.app).get('/v1/capacity').set('Authorization', bearer('socialstyrelsen')).set('Accept', 'text/html');
    expect(res.status).toBe(200);
    const html = res.text;
    // The test rule set's id is 'testspeciale'; its title in the catalogue is 'Testspeciale'.
    expect(html).toContain('<h2>Testspeciale</h2>');
    expect(html).toContain('<h3>Specialfunktion</h3>');
    expect(html).toContain('<h3>Rådgivningsfunktion</h3>');
    expect(html).toContain('<td>Midtjylland</td><td>Socialtilsyn Midt</td><td>1</td>');
    expect(html).toContain('<td>Sjælland</td><td>Socialtilsyn Øst</td>');
    expect(html).toContain('Opgjort 1. oktober 2026');
    for (const id of ['testspeciale', 'raadgivningsfunktion', '2026-10-01']) expect(html).not.toContain(id);
  });

  it('is not for inspectors', async () => {
    expectProblem(await request(svc.app).get('/v1/capacity').set('Authorization', bearer('midt')), 403, 'role-not-allowed');
  });
});

describe('impact of a rule change', () => {
  function draft(courses: number): Ruleset {
    const r = ruleset({ version: '1.2.0', status: 'draft', effectiveFrom: '2028-01-01' });
    r.levels.specialfunktion.requirements.find((q) => q.id === 'TST-SF-03')!.conditions = {
      all: [{ fact: 'citizenCoursesStarted', params: { withinMonths: 12 }, operator: 'greaterThanInclusive', value: courses }],
    };
    return r;
  }

  beforeEach(async () => {
    svc = await startTestService();
  });

  it('lists the approvals a stricter draft would break, with totals per level and tilsyn', async () => {
    await seed([['751', '100', 'midt'], ['851', '200', 'nord']]);
    const res = await request(svc.app).post('/v1/specialer/testspeciale/impact').set('Authorization', bearer('admin')).send({ draft: draft(4) });
    expectResponseMatchesSpec(res);
    expect(res.status).toBe(200);
    expect(res.body.approvals).toHaveLength(2);
    for (const a of res.body.approvals) {
      expect(a).toMatchObject({ today: 'eligible', underDraft: 'not-eligible', newlyFailing: [{ id: 'TST-SF-03', title: 'Volumen' }] });
    }
    expect(res.body.byLevel).toEqual({ specialfunktion: { approvals: 2, wouldFail: 2, newlyFailing: 2 } });
    expect(res.body.byTilsyn).toEqual({ Midt: { approvals: 1, wouldFail: 1, newlyFailing: 1 }, Nord: { approvals: 1, wouldFail: 1, newlyFailing: 1 } });
  });

  it('finds nothing newly failing under a looser draft', async () => {
    await seed([['751', '100', 'midt']]);
    const res = await request(svc.app).post('/v1/specialer/testspeciale/impact').set('Authorization', bearer('socialstyrelsen')).send({ draft: draft(1) });
    expect(res.status).toBe(200);
    expect(res.body.approvals[0]).toMatchObject({ today: 'eligible', underDraft: 'eligible', newlyFailing: [] });
  });

  it('refuses an invalid draft with the path of each problem', async () => {
    const bad = draft(4) as unknown as { levels: { specialfunktion: { requirements: { conditions: { all: { fact: string }[] } }[] } } };
    bad.levels.specialfunktion.requirements[2].conditions.all[0].fact = 'antalEnhjørninger';
    const res = await request(svc.app).post('/v1/specialer/testspeciale/impact').set('Authorization', bearer('admin')).send({ draft: bad });
    expect([res.status, res.body.type]).toEqual([422, 'https://specialfunktion.dk/problems/invalid-draft']);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/draft/levels/specialfunktion/requirements/2/conditions/all/0/fact', code: expect.any(String) });
  });

  it('exports a snapshot for admins only', async () => {
    await seed([['751', '100', 'midt']]);
    const res = await request(svc.app).get('/v1/specialer/testspeciale/snapshot').set('Authorization', bearer('admin'));
    expect(res.status).toBe(200);
    expect(res.body.approvals[0]).toMatchObject({ tilbudId: '100', level: 'specialfunktion', tilsyn: 'Midt' });
    expectProblem(await request(svc.app).get('/v1/specialer/testspeciale/snapshot').set('Authorization', bearer('socialstyrelsen')), 403, 'role-not-allowed');
  });
});
