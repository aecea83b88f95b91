import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { openapiDocument, type JsonObject } from '../../src/http/openapi';
import { expectResponseMatchesSpec, responseConformanceErrors } from './conformance';

const examples = (openapiDocument().components as Record<string, Record<string, JsonObject>>).examples;
const approval = examples.ActiveApproval.value as Record<string, unknown>;
const evaluation = examples.StoredEvaluation.value as Record<string, unknown>;
// A problem of each status, typed by one of the status's codes (src/problems/codes.ts).
const CODE_OF: Record<number, string> = { 400: 'malformed-json', 401: 'unauthenticated', 404: 'not-found', 405: 'method-not-allowed', 409: 'approval-changed', 422: 'validation-failed' };
const problem = (status: number) => ({ type: `https://specialfunktion.dk/problems/${CODE_OF[status]}`, title: 'T', status, detail: 'd' });

/** A stand-in service whose answers the tests choose, some right and some wrong. */
function app() {
  const a = express();
  const withId: RequestHandler = (_req, res, next) => {
    res.setHeader('X-Request-Id', 'req-12345678');
    next();
  };
  a.get('/health', withId, (_req, res) => {
    res.json({ status: 'ok' });
  });
  a.get('/ready', (_req, res) => {
    res.json({ status: 'ready', store: 'ok', integrity: { status: 'unchecked' }, rules: { specialer: 1, versions: 2 } }); // no X-Request-Id
  });
  a.all('/health', withId, (_req, res) => {
    res.setHeader('Allow', 'GET');
    res.status(405).type('application/problem+json').send(JSON.stringify(problem(405)));
  });
  a.get('/v1/approvals/:id', withId, (req, res) => {
    if (req.params.id === 'wrong') {
      res.setHeader('ETag', '"1"');
      res.json({ ...approval, status: 'sleeping' });
      return;
    }
    if (req.params.id === 'teapot') {
      res.status(418).json({});
      return;
    }
    res.setHeader('ETag', '"1"');
    res.json(approval);
  });
  a.post('/v1/evaluations', withId, (_req, res) => {
    res.status(201).json(evaluation); // no Location
  });
  a.get('/v1/evaluations/:id', withId, (req, res) => {
    if (req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('text/html').send('<!doctype html><h1>Evaluering</h1>');
      return;
    }
    res.json(evaluation);
  });
  a.use(withId, (_req, res) => {
    res.status(404).type('application/problem+json').send(JSON.stringify(problem(404)));
  });
  return a;
}

describe('expectResponseMatchesSpec', () => {
  const service = app();

  it('passes a response that follows the contract', async () => {
    expectResponseMatchesSpec(await request(service).get('/health'));
    expectResponseMatchesSpec(await request(service).get('/v1/approvals/8d2e4b9a'));
    expectResponseMatchesSpec(await request(service).get('/v1/evaluations/3f0c8a52'));
    expectResponseMatchesSpec(await request(service).get('/v1/evaluations/3f0c8a52').set('Accept', 'text/html'));
  });

  it('passes the 405 for a method the path lacks and the 404 for a path the contract lacks', async () => {
    expectResponseMatchesSpec(await request(service).put('/health').send({}));
    expectResponseMatchesSpec(await request(service).get('/v1/nowhere'));
  });

  it('fails a body that breaks the schema, naming where', async () => {
    const res = await request(service).get('/v1/approvals/wrong');
    expect(() => expectResponseMatchesSpec(res)).toThrow(/GET \/v1\/approvals\/wrong \(200\) does not match openapi.yaml[\s\S]*\/status/);
  });

  it('fails an undocumented status', async () => {
    const res = await request(service).get('/v1/approvals/teapot');
    expect(() => expectResponseMatchesSpec(res)).toThrow(/418 is not documented/);
  });

  it('fails a missing required header and lists every problem', async () => {
    const created = await request(service).post('/v1/evaluations').send({});
    expect(responseConformanceErrors(created)).toEqual([expect.stringMatching(/required header Location is missing/)]);
    expect(responseConformanceErrors(await request(service).get('/ready'))).toEqual([expect.stringMatching(/required header X-Request-Id is missing/)]);
  });
});
