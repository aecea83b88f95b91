/**
 * A team generating types from the contract (served, or openapi.yaml as checked in) with openapi-typescript and calling through
 * openapi-fetch under strict TypeScript needs no edits and no casts: the client below is compiled
 * against the generated types (no `$defs` property to fill in, a stored evaluation's id a string,
 * response fields typed as the same enums as in requests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import ts from 'typescript';
import { projectRoot } from '../../src/http/openapi';
import { startTestService, type TestService } from '../support/testService';

const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Schemas = components['schemas'];
const client = createClient<paths>({ baseUrl: 'https://specialfunktion.example' });

export const evidence: Schemas['Evidence'] = {
  reportingDate: '2026-09-23',
  provider: { tilbudId: '408215', cvr: '29189846', name: 'Autismecentret Kildebakken', kommunekode: '751', ownerType: 'kommunal' },
  staff: [{ ref: 'M-001', profession: 'paedagog', fte: 1 }],
};

export async function evaluateAndStore(): Promise<string | undefined> {
  const { data } = await client.POST('/v1/evaluations', { body: { speciale: 'autisme', level: 'specialfunktion', evidence } });
  if (!data) return undefined;
  // A stored evaluation has an id (a string); a dry run says it is not stored.
  if (!data.stored) return undefined;
  const id: string = data.id;
  return id;
}

export async function storedEvaluationId(id: string): Promise<string | undefined> {
  const { data } = await client.GET('/v1/evaluations/{id}', { params: { path: { id } } });
  // JSON or, by Accept, an HTML page (a string).
  if (data === undefined || typeof data === 'string') return undefined;
  return data.id;
}

export async function activeApprovals(tilsyn: Schemas['Tilsyn']): Promise<Schemas['ApprovalStatus'][]> {
  const { data } = await client.GET('/v1/approvals', { params: { query: { status: 'active', tilsyn, limit: 10 } } });
  return (data?.items ?? []).map((approval) => approval.status);
}

export async function approvalIfChanged(id: string, etag: string): Promise<Schemas['Approval'] | undefined> {
  const { data } = await client.GET('/v1/approvals/{id}', { params: { path: { id } }, headers: { 'If-None-Match': etag, 'Cache-Control': 'no-cache' } });
  return data;
}

export async function reportPlaces(tilbudId: string): Promise<Schemas['CapacityChangeRequest']['change'] | undefined> {
  const { data } = await client.POST('/v1/providers/{tilbudId}/capacity-changes', {
    params: { path: { tilbudId } },
    body: { change: 'places', effectiveFrom: '2026-11-01', description: 'Udvidelse fra 24 til 30 pladser' },
  });
  return data?.change;
}

export function tilsynOf(provider: Schemas['EvaluatedProvider']): Schemas['Tilsyn'] {
  return provider.tilsyn;
}

export function ownerTypeOf(provider: Schemas['EvaluatedProvider']): Schemas['EvidenceProvider']['ownerType'] {
  return provider.ownerType;
}
`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

/** Generates types from a contract with openapi-typescript's own command line and compiles CLIENT against them strictly. */
function compileClientAgainst(contract: string): { schemaDefs: string[]; diagnostics: string[] } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'typed-client-')));
  try {
    symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    writeFileSync(path.join(dir, 'openapi.yaml'), contract);
    // The generator's own command line, as a team would run it (it is an ES module; jest here is CommonJS).
    const generated = spawnSync(process.execPath, [path.join(projectRoot(), 'node_modules/openapi-typescript/bin/cli.js'), 'openapi.yaml', '-o', 'api.d.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (generated.status !== 0) throw new Error(`openapi-typescript failed: ${generated.stderr}`);
    // (openapi-typescript always exports an empty top-level `$defs` type; no schema may have a `$defs` property.)
    const schemaDefs = readFileSync(path.join(dir, 'api.d.ts'), 'utf8').match(/.*\$defs\??:.*/g) ?? [];
    writeFileSync(path.join(dir, 'client.ts'), CLIENT);
    const program = ts.createProgram([path.join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    return { schemaDefs, diagnostics: ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('generates types from the contract, served and as checked in, that a strict openapi-fetch client compiles against unchanged', async () => {
  const served = await request(svc.app).get('/openapi.yaml');
  expect(served.status).toBe(200);
  // The service serves openapi.yaml as it is, so one generation covers both.
  const checkedIn = readFileSync(path.join(projectRoot(), 'openapi.yaml'), 'utf8');
  expect(served.text === checkedIn).toBe(true);
  expect(compileClientAgainst(checkedIn)).toEqual({ schemaDefs: [], diagnostics: [] });
}, 60_000);
