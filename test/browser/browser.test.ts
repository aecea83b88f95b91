/**
 * What a person sees, in a real browser: Swagger UI at /docs/ (operations listed, Authorize dialog with
 * bearerAuth), the printable evaluation report and the national capacity page (an SVG chart per
 * speciale and level, and its table). Debian's Chromium (/usr/bin/chromium) driven by playwright-core;
 * without it the suite is skipped and says why. Screenshots go to test-output/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { eligibleEvidence } from '../support/builders';
import { bearer, startTestService, type TestService } from '../support/testService';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../../test-output/screenshots');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // eslint-disable-next-line no-console
  console.log(`browser tests skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install chromium)`);
}
const describeInBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(90_000);

describeInBrowser('in Chromium', () => {
  let svc: TestService;
  let server: Server;
  let base: string;
  let browser: Browser;
  let evaluationId: string;
  let page: Page;

  async function approve(who: 'midt' | 'nord', kommunekode: string, tilbudId: string, name: string): Promise<string> {
    const evidence = eligibleEvidence();
    evidence.provider = { ...evidence.provider, kommunekode, tilbudId, name };
    const evaluation = await request(server).post('/v1/evaluations').set('Authorization', bearer(who)).send({ speciale: 'testspeciale', level: 'specialfunktion', evidence });
    expect(evaluation.status).toBe(201);
    const approval = await request(server).post('/v1/approvals').set('Authorization', bearer(who)).send({ evaluationId: evaluation.body.id, decision: 'approved', reason: 'Kriterierne er opfyldt' });
    expect(approval.status).toBe(201);
    return evaluation.body.id as string;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    svc = await startTestService();
    server = svc.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Two approved providers (Aarhus → Midt, Aalborg → Nord) so the report and the chart have content.
    evaluationId = await approve('midt', '751', '4711', 'Bostedet Lærkehøj');
    await approve('nord', '851', '5120', 'Autismecentret Nordlys');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' });
  });

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await svc?.close();
  });

  it('/docs/ loads Swagger UI and lists the operations', async () => {
    const response = await page.goto(`${base}/docs/`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const operation = (method: string, route: string) => page.locator(`.opblock.opblock-${method} .opblock-summary-path[data-path="${route}"]`);
    await expect(operation('post', '/v1/evaluations').count()).resolves.toBeGreaterThan(0);
    await expect(operation('get', '/v1/approvals').count()).resolves.toBeGreaterThan(0);
    await expect(operation('get', '/v1/capacity').count()).resolves.toBeGreaterThan(0);
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(20);
    await expect(page.title()).resolves.toBe('Specialfunktioner – API');
    await page.screenshot({ path: path.join(SHOTS, 'docs.png') });
    await operation('post', '/v1/evaluations').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'docs-operations.png') });
  });

  // Regression: openapi.yaml once declared a jsonSchemaDialect Swagger UI does not support, which showed a red warning box.
  it('/docs/ shows no Swagger UI warning or error box', async () => {
    await page.goto(`${base}/docs/`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const boxes = await page.locator('.errors-wrapper, .version-pragma, .warning, .swagger-ui .errors').allInnerTexts();
    const warnings = boxes.filter((t) => t.trim() !== '');
    expect(warnings).toEqual([]);
  });

  it('"Authorize" opens the dialog with bearerAuth, and a token can be entered', async () => {
    await page.goto(`${base}/docs/`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor({ state: 'visible' });
    await expect(dialog.innerText()).resolves.toMatch(/bearerAuth/);
    const input = dialog.locator('input[type="text"], input[type="password"]').first();
    await input.fill('test-admin-token-0123456789');
    await page.screenshot({ path: path.join(SHOTS, 'docs-authorize.png') });
    await dialog.locator('button.auth.authorize, button[type="submit"]').first().click();
    await expect(dialog.innerText()).resolves.toMatch(/Logout|Log ud|Authorized/i);
  });

  it('the evaluation report (GET /v1/evaluations/{id}, text/html) shows provider, rule set version and hash, and the requirements', async () => {
    await page.setExtraHTTPHeaders({ Authorization: bearer('midt'), Accept: 'text/html' });
    const response = await page.goto(`${base}/v1/evaluations/${evaluationId}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    const view = (await request(server).get(`/v1/evaluations/${evaluationId}`).set('Authorization', bearer('midt'))).body as { rulesetVersion: string; rulesetHash: string };
    const text = await page.locator('body').innerText();
    expect(text).toContain('Bostedet Lærkehøj');
    expect(text).toContain(`testspeciale version ${view.rulesetVersion}`);
    expect(text).toContain(view.rulesetHash);
    for (const id of ['TST-SF-01', 'TST-SF-02', 'TST-SF-03', 'TST-SF-04', 'TST-SF-05', 'TST-SF-06']) {
      await expect(page.locator('td code', { hasText: id }).count()).resolves.toBe(1);
    }
    await expect(page.locator('h1').innerText()).resolves.toMatch(/Evaluering: Specialfunktion/);
    await page.screenshot({ path: path.join(SHOTS, 'evaluation-report.png'), fullPage: true });
  });

  it('the capacity page (GET /v1/capacity, text/html, admin) draws an SVG chart and a table per speciale and level', async () => {
    await page.setExtraHTTPHeaders({ Authorization: bearer('admin'), Accept: 'text/html' });
    const response = await page.goto(`${base}/v1/capacity`);
    expect(response?.status()).toBe(200);
    // A speciale under its Danish title, a section per level by name.
    await expect(page.locator('h2').allInnerTexts()).resolves.toEqual(['Testspeciale']);
    const sections = await page.locator('h3').allInnerTexts();
    expect(sections).toEqual(['Specialfunktion', 'Rådgivningsfunktion']);
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBe(sections.length);
    expect(await page.locator('table').count()).toBe(sections.length);
    // The specialfunktion chart has a bar per region; Midt and Nord have one approval each.
    const first = charts.first();
    expect(await first.locator('rect').count()).toBeGreaterThanOrEqual(10);
    const box = await first.boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    expect(box?.height).toBeGreaterThan(50);
    const table = page.locator('table').first();
    await expect(table.locator('tr', { hasText: 'Midtjylland' }).locator('td').nth(1).innerText()).resolves.toBe('Socialtilsyn Midt');
    await expect(table.locator('tr', { hasText: 'Midtjylland' }).locator('td').nth(2).innerText()).resolves.toBe('1');
    await expect(table.locator('tr', { hasText: 'Nordjylland' }).locator('td').nth(2).innerText()).resolves.toBe('1');
    await page.screenshot({ path: path.join(SHOTS, 'capacity.png'), fullPage: true });
  });

  it('the written decision (GET /v1/approvals/{id}/decision, text/html) shows parties, reasons and klagevejledning, and prints to a PDF', async () => {
    const approvals = await request(server).get('/v1/approvals?tilbudId=4711').set('Authorization', bearer('midt'));
    const approvalId = approvals.body.items[0].id as string;
    await page.setExtraHTTPHeaders({ Authorization: bearer('midt'), Accept: 'text/html' });
    const response = await page.goto(`${base}/v1/approvals/${approvalId}/decision`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').innerText()).resolves.toMatch(/Afgørelse om godkendelse som specialfunktion/);
    const sections = await page.locator('h2').allInnerTexts();
    expect(sections).toEqual(expect.arrayContaining(['Parter', 'Afgørelsen', 'Retsgrundlag', 'Vurdering krav for krav', 'Dokumentation', 'Klagevejledning']));
    const text = await page.locator('body').innerText();
    expect(text).toContain('Bostedet Lærkehøj');
    expect(text).toContain('Socialtilsyn Midt');
    await expect(page.locator('td code', { hasText: 'TST-SF-03' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'decision.png'), fullPage: true });

    const pdf = await page.pdf({ format: 'A4', printBackground: true, path: path.join(SHOTS, 'decision.pdf') });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(pdf.length).toBeLessThan(5_000_000);
    // The decision with its reasons and klagevejledning takes more than one A4 page.
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
