/**
 * Request validation side by side in one process: our validator (the contract's request schema on
 * the service's one ajv, Danish messages from the one table) against express-openapi-validator on
 * the same bundled contract, each an Express app in this process answering POST /v1/evaluations
 * with the benchmarked body, beside an app that only parses the JSON (the floor). Requests go one
 * after another over a kept-alive connection; contenders interleave, medians over rounds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { openapiDocument } from '../src/http/openapi';
import { bodyMatchesContract } from '../src/http/validation';
import { evaluationBody } from './http';
import { interleaved } from './timing';

const ROUTE = '/v1/evaluations';

function app(validator: RequestHandler | RequestHandler[] | undefined, errors: unknown[]): Express {
  const a = express();
  a.use(express.json({ limit: '1mb' }));
  if (validator) a.use(validator);
  a.post(ROUTE, (_req, res) => {
    res.status(204).end();
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    res.status(422).end();
  };
  a.use(onError);
  return a;
}

async function listen(a: Express): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(a);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function post(agent: http.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, port, host: '127.0.0.1', method: 'POST', path: ROUTE, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface RequestValidationResult {
  /** Median microseconds per request, one after another, kept alive. */
  parseOnlyUs: number;
  oursUs: number;
  libraryUs: number;
  /** What each adds to parsing alone. */
  oursAddsUs: number;
  libraryAddsUs: number;
  /** library / ours, per request. */
  libraryVsOurs: number;
  /** What each answers for a body with a wrong level and a missing reporting date. */
  oursErrors: unknown;
  libraryErrors: unknown;
}

export async function benchRequestValidation(quick: boolean): Promise<RequestValidationResult> {
  const body = evaluationBody();
  const oursErrors: unknown[] = [];
  const libraryErrors: unknown[] = [];
  const apps = {
    parseOnly: await listen(app(undefined, [])),
    ours: await listen(app(bodyMatchesContract('post', ROUTE), oursErrors)),
    library: await listen(
      app(
        OpenApiValidator.middleware({
          apiSpec: structuredClone(openapiDocument()) as never,
          validateRequests: { allowUnknownQueryParameters: false },
          validateResponses: false,
          validateSecurity: false,
          ignoreUndocumented: true,
        }),
        libraryErrors,
      ),
    ),
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const [name, { port }] of Object.entries(apps)) {
      const status = await post(agent, port, body);
      if (status !== 204) throw new Error(`request validation bench: ${name} refused the benchmarked body (${status}): ${JSON.stringify(name === 'library' ? libraryErrors : oursErrors)}`);
    }
    const bad = JSON.parse(body) as { level: string; evidence: Record<string, unknown> };
    bad.level = 'hovedfunktion';
    delete bad.evidence.reportingDate;
    await post(agent, apps.ours.port, JSON.stringify(bad));
    await post(agent, apps.library.port, JSON.stringify(bad));

    const ops = (await interleaved(
      {
        parseOnly: () => post(agent, apps.parseOnly.port, body),
        ours: () => post(agent, apps.ours.port, body),
        library: () => post(agent, apps.library.port, body),
      },
      quick ? 3 : 7,
      quick ? 200 : 500,
    )) as { parseOnly: number; ours: number; library: number };
    const us = (perSecond: number) => 1e6 / perSecond;
    return {
      parseOnlyUs: us(ops.parseOnly),
      oursUs: us(ops.ours),
      libraryUs: us(ops.library),
      oursAddsUs: us(ops.ours) - us(ops.parseOnly),
      libraryAddsUs: us(ops.library) - us(ops.parseOnly),
      libraryVsOurs: us(ops.library) / us(ops.ours),
      oursErrors: (oursErrors[0] as { extensions?: { errors?: unknown } } | undefined)?.extensions?.errors,
      libraryErrors: (libraryErrors[0] as { errors?: unknown } | undefined)?.errors,
    };
  } finally {
    agent.destroy();
    await Promise.all(Object.values(apps).map(({ server }) => new Promise((resolve) => server.close(resolve))));
  }
}
