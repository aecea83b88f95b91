import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthConfigError, loadTokensFile, tokenHash } from '../../src/auth';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sf-auth-tokens-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeTokens(content: unknown): string {
  const file = path.join(dir, 'tokens.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(fn: () => unknown): AuthConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected an AuthConfigError');
}

const ADMIN = 'admin-token-aaaaaaaaaaaaaaaaaaaa';
const SST = 'sst-token-bbbbbbbbbbbbbbbbbbbbbbbb';
const SYD = 'inspector-syd-cccccccccccccccccc';
const OEST = 'inspector-oest-dddddddddddddddd';

const validFile = () => [
  { sha256: tokenHash(ADMIN), subject: 'drift@example', role: 'admin' },
  { sha256: tokenHash(SST), subject: 'analytiker@sst', role: 'socialstyrelsen' },
  { sha256: tokenHash(SYD), subject: 'inspektoer@syd', role: 'inspector', tilsyn: 'Syd' },
  { sha256: tokenHash(OEST).toUpperCase(), subject: 'inspektoer@oest', role: 'inspector', tilsyn: 'Øst' },
];

describe('tokenHash', () => {
  it('is the lower-case hex SHA-256 of the token', () => {
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('tokens file', () => {
  it('accepts a valid token and maps it to subject, role and tilsyn', async () => {
    const auth = loadTokensFile(writeTokens(validFile()));
    await expect(auth.authenticate(ADMIN)).resolves.toEqual({ subject: 'drift@example', role: 'admin' });
    await expect(auth.authenticate(SST)).resolves.toEqual({ subject: 'analytiker@sst', role: 'socialstyrelsen' });
    await expect(auth.authenticate(SYD)).resolves.toEqual({ subject: 'inspektoer@syd', role: 'inspector', tilsyn: 'Syd' });
    // Upper-case hex in the file is accepted.
    await expect(auth.authenticate(OEST)).resolves.toEqual({ subject: 'inspektoer@oest', role: 'inspector', tilsyn: 'Øst' });
  });

  it('refuses a wrong token, an empty token and the hash itself used as a token', async () => {
    const auth = loadTokensFile(writeTokens(validFile()));
    await expect(auth.authenticate('not-a-known-token')).resolves.toBeNull();
    await expect(auth.authenticate(`${ADMIN}x`)).resolves.toBeNull();
    await expect(auth.authenticate('')).resolves.toBeNull();
    await expect(auth.authenticate(tokenHash(ADMIN))).resolves.toBeNull();
  });

  it('describes itself by path and count, without hashes', () => {
    const file = writeTokens(validFile());
    const text = loadTokensFile(file).describe();
    expect(text).toBe(`tokens file ${file} (4 tokens)`);
  });

  it('rejects a malformed file with one message per bad entry, naming index and field', () => {
    const file = writeTokens([
      { sha256: tokenHash(ADMIN), subject: 'ok@example', role: 'admin' }, // [0] fine
      { sha256: 'abc', subject: 'x', role: 'admin' }, // [1] short hash
      { sha256: tokenHash('b'), subject: 'x', role: 'boss' }, // [2] unknown role
      { sha256: tokenHash('c'), subject: 'x', role: 'inspector' }, // [3] inspector without tilsyn
      { sha256: tokenHash('d'), subject: 'x', role: 'inspector', tilsyn: 'Fyn' }, // [4] unknown tilsyn
      { sha256: tokenHash('e'), subject: 'x', role: 'admin', tilsyn: 'Nord' }, // [5] tilsyn on admin
      { sha256: tokenHash('f'), role: 'admin' }, // [6] no subject
      { sha256: tokenHash(ADMIN), subject: 'y', role: 'admin' }, // [7] duplicate of [0]
      'just a string', // [8]
      { sha256: tokenHash('g'), subject: 'x', role: 'admin', token: 'plain' }, // [9] unknown field
      { subject: 'x', role: 'socialstyrelsen' }, // [10] no hash
    ]);
    const error = configError(() => loadTokensFile(file));
    expect(error.problems).toEqual([
      expect.stringMatching(/^entry \[1\]\.sha256: must be 64 hexadecimal characters/),
      expect.stringMatching(/^entry \[2\]\.role: "boss" is not a role; use inspector, socialstyrelsen or admin$/),
      expect.stringMatching(/^entry \[3\]\.tilsyn: missing; an inspector works for one socialtilsyn/),
      expect.stringMatching(/^entry \[4\]\.tilsyn: "Fyn" is not a socialtilsyn; use Nord, Midt, Syd, Hovedstaden or Øst$/),
      expect.stringMatching(/^entry \[5\]\.tilsyn: only an inspector has a tilsyn/),
      expect.stringMatching(/^entry \[6\]\.subject: missing/),
      expect.stringMatching(/^entry \[7\]\.sha256: the same token hash as entry \[0\]/),
      expect.stringMatching(/^entry \[8\]: must be an object/),
      expect.stringMatching(/^entry \[9\]\.token: unknown field/),
      expect.stringMatching(/^entry \[10\]\.sha256: missing/),
    ]);
    expect(error.message).toContain(`tokens file ${file} has 10 problems:`);
    // Neither a hash nor a plaintext value is echoed.
    expect(error.message).not.toContain(tokenHash(ADMIN));
    expect(error.message).not.toContain('plain');
  });

  it('refuses a subject that looks like a CPR number at load, naming the entry but not the value', () => {
    const file = writeTokens([...validFile(), { sha256: tokenHash('cpr'), subject: '010190-1234', role: 'admin' }, { sha256: tokenHash('cpr2'), subject: 'bruger 0101901234', role: 'admin' }]);
    const error = configError(() => loadTokensFile(file));
    expect(error.problems).toEqual([expect.stringMatching(/^entry \[4\]\.subject: looks like a CPR number/), expect.stringMatching(/^entry \[5\]\.subject: looks like a CPR number/)]);
    expect(error.message).not.toMatch(/010190|0101901234/);
  });

  it('refuses an inspector without a tilsyn, even when every other entry is fine', () => {
    const file = writeTokens([...validFile(), { sha256: tokenHash('lonely'), subject: 'inspektoer@?', role: 'inspector' }]);
    const error = configError(() => loadTokensFile(file));
    expect(error.problems).toEqual([expect.stringMatching(/^entry \[4\]\.tilsyn: missing/)]);
  });

  it('refuses a file that is not a list, not JSON, empty or missing', () => {
    expect(configError(() => loadTokensFile(writeTokens({ tokens: [] }))).problems).toEqual([expect.stringMatching(/must hold a JSON list/)]);
    const notJson = configError(() => loadTokensFile(writeTokens('[{"sha256": "secret-token-here"')));
    expect(notJson.message).toMatch(/not valid JSON/);
    expect(notJson.message).not.toContain('secret-token-here');
    expect(configError(() => loadTokensFile(writeTokens([]))).problems).toEqual([expect.stringMatching(/empty/)]);
    expect(configError(() => loadTokensFile(path.join(dir, 'nope.json'))).message).toMatch(/cannot read the file \(ENOENT\)/);
  });
});
