import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthConfigError, ensureGeneratedTokens, loadTokensFile, tokenHash } from '../../src/auth';

interface Generated {
  subject: string;
  role: string;
  tilsyn?: string;
  token: string;
}

let dataDir: string;
beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'sf-auth-gen-')), 'data');
});
afterEach(() => {
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

const tokensFile = () => path.join(dataDir, 'generated-tokens.json');
const hashesFile = () => path.join(dataDir, 'auth-tokens.json');
const readGenerated = (): Generated[] => JSON.parse(readFileSync(tokensFile(), 'utf8'));
const mode = (file: string) => statSync(file).mode & 0o777;

describe('generated tokens (no authentication configured)', () => {
  it('first start creates an owner-only file with 7 tokens: admin, socialstyrelsen and an inspector per tilsyn', () => {
    const result = ensureGeneratedTokens(dataDir);
    expect(result.generated).toBe(true);
    expect(result.tokensFile).toBe(tokensFile());
    expect(mode(tokensFile())).toBe(0o600);
    expect(mode(hashesFile())).toBe(0o600);

    const tokens = readGenerated();
    expect(tokens).toHaveLength(7);
    expect(tokens.map((t) => [t.role, t.tilsyn])).toEqual([
      ['admin', undefined],
      ['socialstyrelsen', undefined],
      ['inspector', 'Nord'],
      ['inspector', 'Midt'],
      ['inspector', 'Syd'],
      ['inspector', 'Hovedstaden'],
      ['inspector', 'Øst'],
    ]);
    for (const t of tokens) {
      expect(t.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
      expect(t.subject).toEqual(expect.any(String));
    }
    expect(new Set(tokens.map((t) => t.token)).size).toBe(7);
    expect(new Set(tokens.map((t) => t.subject)).size).toBe(7);
  });

  it('each generated token authenticates to its role and tilsyn', async () => {
    const { authenticator } = ensureGeneratedTokens(dataDir);
    for (const t of readGenerated()) {
      await expect(authenticator.authenticate(t.token)).resolves.toEqual({
        subject: t.subject,
        role: t.role,
        ...(t.tilsyn ? { tilsyn: t.tilsyn } : {}),
      });
    }
    await expect(authenticator.authenticate('guess')).resolves.toBeNull();
  });

  it('generates different tokens in different data directories (no fixed default)', () => {
    ensureGeneratedTokens(dataDir);
    const first = readGenerated().map((t) => t.token);
    const otherDir = path.join(path.dirname(dataDir), 'other');
    ensureGeneratedTokens(otherDir);
    const second = (JSON.parse(readFileSync(path.join(otherDir, 'generated-tokens.json'), 'utf8')) as Generated[]).map((t) => t.token);
    expect(second.filter((t) => first.includes(t))).toEqual([]);
  });

  it('second start does not regenerate or overwrite, and the first tokens keep working', async () => {
    ensureGeneratedTokens(dataDir);
    const tokensBefore = readFileSync(tokensFile(), 'utf8');
    const hashesBefore = readFileSync(hashesFile(), 'utf8');
    const mtimeBefore = statSync(tokensFile()).mtimeMs;

    const again = ensureGeneratedTokens(dataDir);
    expect(again.generated).toBe(false);
    expect(again.tokensFile).toBe(tokensFile());
    expect(readFileSync(tokensFile(), 'utf8')).toBe(tokensBefore);
    expect(readFileSync(hashesFile(), 'utf8')).toBe(hashesBefore);
    expect(statSync(tokensFile()).mtimeMs).toBe(mtimeBefore);
    for (const t of readGenerated()) {
      await expect(again.authenticator.authenticate(t.token)).resolves.toMatchObject({ role: t.role });
    }
  });

  it('keeps working from the hashes alone once the operator has deleted the plaintext file', async () => {
    ensureGeneratedTokens(dataDir);
    const admin = readGenerated()[0];
    rmSync(tokensFile());
    const again = ensureGeneratedTokens(dataDir);
    expect(again.generated).toBe(false);
    expect(existsSync(tokensFile())).toBe(false); // not regenerated
    await expect(again.authenticator.authenticate(admin.token)).resolves.toMatchObject({ role: 'admin' });
  });

  it('the hashes file holds only hashes, in the tokens-file format, and no plaintext token', () => {
    ensureGeneratedTokens(dataDir);
    const hashes = readFileSync(hashesFile(), 'utf8');
    const tokens = readGenerated();
    for (const t of tokens) {
      expect(hashes).not.toContain(t.token);
      expect(hashes).toContain(tokenHash(t.token));
    }
    expect(loadTokensFile(hashesFile()).describe()).toMatch(/\(7 tokens\)$/);
    for (const entry of JSON.parse(hashes) as Record<string, unknown>[]) {
      expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['role', 'sha256', 'subject']));
      expect(entry).not.toHaveProperty('token');
    }
  });

  it('after a crash between the two writes, rebuilds the hashes from the plaintext file without overwriting it', async () => {
    ensureGeneratedTokens(dataDir);
    const before = readFileSync(tokensFile(), 'utf8');
    rmSync(hashesFile());
    const again = ensureGeneratedTokens(dataDir);
    expect(again.generated).toBe(false);
    expect(readFileSync(tokensFile(), 'utf8')).toBe(before);
    expect(mode(hashesFile())).toBe(0o600);
    for (const t of readGenerated()) {
      await expect(again.authenticator.authenticate(t.token)).resolves.toMatchObject({ role: t.role, subject: t.subject });
    }
  });

  it('refuses to start when a half-written plaintext file is left without hashes', () => {
    ensureGeneratedTokens(dataDir);
    rmSync(hashesFile());
    writeFileSync(tokensFile(), '[{"subject": "generated:admin", "ro');
    expect(() => ensureGeneratedTokens(dataDir)).toThrow(AuthConfigError);
    expect(() => ensureGeneratedTokens(dataDir)).toThrow(/delete .*generated-tokens\.json/);
    expect(readFileSync(tokensFile(), 'utf8')).toBe('[{"subject": "generated:admin", "ro');
  });
});
