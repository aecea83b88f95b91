import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { checkTokenEntries, loadTokensFile, tokenHash, type TokenEntry } from './tokens';
import { allTilsyn, type Tilsyn } from '../geography';
import { AuthConfigError, type Authenticator, type Role } from './types';

/**
 * The embedded default when no authentication is configured: on first start, one random token per
 * role (an admin, Socialstyrelsen, and an inspector for each socialtilsyn) is written once, owner-only,
 * to `<DATA_DIR>/generated-tokens.json` for the operator to hand out, and only their hashes go to
 * `<DATA_DIR>/auth-tokens.json`, which is what every later start reads. There is no fixed default token.
 */

export const GENERATED_TOKENS_FILE = 'generated-tokens.json';
export const HASHES_FILE = 'auth-tokens.json';

export interface GeneratedToken {
  subject: string;
  role: Role;
  tilsyn?: Tilsyn;
  token: string;
}

function newTokens(): GeneratedToken[] {
  const token = () => randomBytes(32).toString('base64url');
  return [
    { subject: 'generated:admin', role: 'admin', token: token() },
    { subject: 'generated:socialstyrelsen', role: 'socialstyrelsen', token: token() },
    ...allTilsyn().map((tilsyn): GeneratedToken => ({ subject: `generated:inspector:${tilsyn}`, role: 'inspector', tilsyn, token: token() })),
  ];
}

/** Write a new file with owner-only permissions, flushed to disk; fails with EEXIST rather than overwrite. */
function writeNewFile(file: string, content: string): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the files themselves are flushed.
  }
}

/** Hash entries for a generated-tokens list read back from disk (after a crash between the two writes). */
function entriesFromGeneratedFile(file: string): TokenEntry[] {
  const heading = `${file} exists but ${HASHES_FILE} does not, and it cannot be used to rebuild it`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new AuthConfigError(`it is not complete JSON; delete ${file} to generate new tokens`, heading);
  }
  if (!Array.isArray(raw)) throw new AuthConfigError(`it is not a JSON list; delete ${file} to generate new tokens`, heading);
  const problems: string[] = [];
  const mapped = raw.map((item: unknown, i) => {
    const e = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof e.token !== 'string' || e.token.length < 32) problems.push(`entry [${i}].token: missing or too short`);
    const { token, ...rest } = e;
    return { ...rest, sha256: typeof token === 'string' ? tokenHash(token) : '' };
  });
  const checked = checkTokenEntries(mapped);
  problems.push(...checked.problems);
  if (problems.length > 0) throw new AuthConfigError([...problems, `fix or delete ${file}`], heading);
  return checked.entries;
}

export function ensureGeneratedTokens(dataDir: string): { authenticator: Authenticator; tokensFile: string; generated: boolean } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tokensFile = path.join(dataDir, GENERATED_TOKENS_FILE);
  const hashesFile = path.join(dataDir, HASHES_FILE);

  if (existsSync(hashesFile)) {
    return { authenticator: loadTokensFile(hashesFile), tokensFile, generated: false };
  }

  let entries: TokenEntry[];
  let generated: boolean;
  const tokens = newTokens();
  try {
    writeNewFile(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`);
    entries = tokens.map(({ token, ...who }) => ({ sha256: tokenHash(token), ...who }));
    generated = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // The plaintext file is there but the hashes are not: a crash between the two writes, or another
    // instance starting at the same moment. Never overwrite it; rebuild the hashes from it.
    entries = entriesFromGeneratedFile(tokensFile);
    generated = false;
  }

  const temp = `${hashesFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeNewFile(temp, `${JSON.stringify(entries, null, 2)}\n`);
    renameSync(temp, hashesFile); // atomic: a later start sees either no hashes file or a complete one
  } finally {
    rmSync(temp, { force: true });
  }
  fsyncDir(dataDir);
  return { authenticator: loadTokensFile(hashesFile), tokensFile, generated };
}
