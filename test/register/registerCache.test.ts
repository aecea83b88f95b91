import request from 'supertest';
import { expectResponseMatchesSpec } from '../openapi/conformance';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';
import { cachedRegister, REGISTER_STATUSES } from '../../src/register';
import type { ApprovalFilter } from '../../src/store/types';
import type { RecordStore } from '../../src/approvals/records';

/** Issue 13.2: the register's bodies are kept until the data changes (the day, the newest audit entry). */
let svc: TestService;
beforeEach(async () => {
  svc = await startTestService();
});
afterEach(async () => {
  await svc.close();
});

async function approve(tilbudId: string): Promise<string> {
  const evidence = { ...eligibleEvidence(), provider: { ...eligibleEvidence().provider, tilbudId, name: `Tilbud ${tilbudId}` } };
  const ev = await request(svc.app).post('/v1/evaluations').set('Authorization', bearer('midt')).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
  expect(ev.status).toBe(201);
  const ap = await request(svc.app).post('/v1/approvals').set('Authorization', bearer('midt')).send({ evaluationId: ev.body.id, decision: 'approved', reason: 'ok' });
  expect(ap.status).toBe(201);
  return ap.body.id as string;
}

/** The test store, counting how often the approvals are read. */
function counting(store: RecordStore): { store: RecordStore; readings: () => number } {
  let readings = 0;
  const proxy = new Proxy(store, {
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
  return { store: proxy, readings: () => readings / REGISTER_STATUSES.length };
}

describe('the register cache', () => {
  it('reads the store once for repeated requests of every representation, and again after a change', async () => {
    await approve('100');
    const { store, readings } = counting(svc.store);
    const register = cachedRegister(store, svc.clock);
    const first = await register({ kind: 'json' });
    for (let i = 0; i < 20; i++) {
      expect(await register({ kind: 'json' })).toEqual(first);
      await register({ kind: 'csv', separator: 'comma' });
    }
    expect(readings()).toBe(1);
    expect(JSON.parse(first.body).items.map((e: { tilbudId: string }) => e.tilbudId)).toEqual(['100']);

    await approve('200');
    const second = await register({ kind: 'json' });
    expect(readings()).toBe(2);
    expect(second.etag).not.toBe(first.etag);
    expect(JSON.parse(second.body).count).toBe(2);
    const csv = await register({ kind: 'csv', separator: 'comma' });
    expect(readings()).toBe(2);
    expect(csv.etag).toBe(`${second.etag.slice(0, -1)}-csv"`);
    expect(csv.body.split('\r\n')).toHaveLength(4);
  });

  it('reads again on a new day, since the register means "in force today"', async () => {
    await approve('100');
    const { store, readings } = counting(svc.store);
    const register = cachedRegister(store, svc.clock);
    await register({ kind: 'json' });
    await register({ kind: 'json' });
    svc.clock.advanceDays(1);
    await register({ kind: 'json' });
    expect(readings()).toBe(2);
  });

  it('sees a change made by another process sharing the store (by the newest audit entry)', async () => {
    await approve('100');
    const register = cachedRegister(svc.store, svc.clock);
    expect(JSON.parse((await register({ kind: 'json' })).body).count).toBe(1);
    // The app writes through its own service; this cache only shares the store.
    await approve('300');
    expect(JSON.parse((await register({ kind: 'json' })).body).count).toBe(2);
  });

  it('serves the kept body over HTTP with its ETag, 304 for it, and the new body after a decision', async () => {
    await approve('100');
    const one = await request(svc.app).get('/v1/register');
    expectResponseMatchesSpec(one);
    const again = await request(svc.app).get('/v1/register');
    expect(again.text).toBe(one.text);
    expect(again.headers.etag).toBe(one.headers.etag);
    const notModified = await request(svc.app).get('/v1/register').set('If-None-Match', one.headers.etag);
    expectResponseMatchesSpec(notModified);
    expect(notModified.status).toBe(304);
    await approve('200');
    const two = await request(svc.app).get('/v1/register').set('If-None-Match', one.headers.etag);
    expectResponseMatchesSpec(two);
    expect(two.status).toBe(200);
    expect(two.body.count).toBe(2);
    const csv = await request(svc.app).get('/v1/register').set('Accept', 'text/csv');
    expectResponseMatchesSpec(csv);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers.etag).toBe(`${two.headers.etag.slice(0, -1)}-csv"`);
  });
});
