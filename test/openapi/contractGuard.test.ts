import express from 'express';
import request from 'supertest';
import { withContractGuard } from '../support/contractGuard';

/** The guard every test service runs behind: a response that drifts from openapi.yaml is caught. */
it('records a response whose body no longer matches the contract', async () => {
  const drifting = express();
  drifting.get('/v1/specialer', (_req, res) => {
    res.setHeader('X-Request-Id', 'guard-test-request-id');
    res.json({ specialer: ['autisme'] });
  });
  const { app, violations } = withContractGuard(drifting);
  await request(app).get('/v1/specialer');
  expect(violations.length).toBeGreaterThan(0);
  expect(violations[0]).toMatch(/^GET \/v1\/specialer \(200\): /);
});

it('records nothing for a response that matches', async () => {
  const conforming = express();
  conforming.get('/health', (_req, res) => {
    res.setHeader('X-Request-Id', 'guard-test-request-id');
    res.json({ status: 'ok' });
  });
  const { app, violations } = withContractGuard(conforming);
  await request(app).get('/health');
  expect(violations).toEqual([]);
});

describe('problem codes', () => {
  /** A service answering /health with the given problem (405 is what the contract documents for any path). */
  function answering(status: number, problem: object) {
    const service = express();
    service.put('/health', (_req, res) => {
      res.setHeader('X-Request-Id', 'guard-test-request-id');
      res.setHeader('Allow', 'GET');
      res.status(status).type('application/problem+json').send(JSON.stringify(problem));
    });
    return withContractGuard(service);
  }
  const problem = (code: string, status: number) => ({ type: `https://specialfunktion.dk/problems/${code}`, title: 'Method Not Allowed', status });

  it('records nothing for a listed code answered with its status', async () => {
    const { app, violations } = answering(405, problem('method-not-allowed', 405));
    await request(app).put('/health');
    expect(violations).toEqual([]);
  });

  it('records a problem whose type is not a listed code, or whose code has another status', async () => {
    const unlisted = answering(405, problem('405', 405));
    await request(unlisted.app).put('/health');
    expect(unlisted.violations.join('\n')).toMatch(/not one of the codes/);
    const otherStatus = answering(405, problem('approval-in-force', 405));
    await request(otherStatus.app).put('/health');
    expect(otherStatus.violations.join('\n')).toMatch(/approval-in-force has status 409/);
  });
});
