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
