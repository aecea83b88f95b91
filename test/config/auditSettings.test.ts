import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GENERATED_KEY_FILE, loadAuditSigner } from '../../src/audit/signing';
import { ConfigError, loadConfig } from '../../src/config';

/** The audit settings are read and checked once, at start, like every other setting. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sf-audit-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ RULES_DIR: path.resolve(__dirname, '../../rules'), ...env }, dir);

it('checks the record every 15 minutes unless told otherwise, and refuses an interval that is not a whole number of minutes', () => {
  expect(load({}).auditVerifyIntervalMinutes).toBe(15);
  expect(load({ AUDIT_VERIFY_INTERVAL_MINUTES: '0' }).auditVerifyIntervalMinutes).toBe(0);
  for (const bad of ['-1', '1.5', 'often']) {
    expect(() => load({ AUDIT_VERIFY_INTERVAL_MINUTES: bad })).toThrow(ConfigError);
  }
});

it('refuses a signing key file that does not exist', () => {
  expect(() => load({ AUDIT_SIGNING_KEY_FILE: 'no-such-key.pem' })).toThrow(/AUDIT_SIGNING_KEY_FILE/);
});

it('generates the audit signing key once, readable by its owner only, and uses it from then on', () => {
  const first = loadAuditSigner({ dataDir: dir });
  expect(first.generated).toBe(true);
  expect(statSync(path.join(dir, GENERATED_KEY_FILE)).mode & 0o777).toBe(0o600);
  const again = loadAuditSigner({ dataDir: dir });
  expect(again.generated).toBe(false);
  expect(again.signer.keyId).toBe(first.signer.keyId);
});

it('signs with a key given by file, and refuses one that is not Ed25519', () => {
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(path.join(dir, 'ed.pem'), ed);
  const given = loadAuditSigner({ keyFile: path.join(dir, 'ed.pem'), dataDir: dir });
  expect(given.generated).toBe(false);
  expect(given.signer.verify(given.signer.sign({ seq: 1, hash: 'a'.repeat(64), at: '2026-12-06T00:00:00.000Z' }))).toBe(true);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(path.join(dir, 'rsa.pem'), rsa);
  expect(() => loadAuditSigner({ keyFile: path.join(dir, 'rsa.pem'), dataDir: dir })).toThrow(/Ed25519/);
  expect(readFileSync(path.join(dir, 'ed.pem'), 'utf8')).toBe(ed);
});
