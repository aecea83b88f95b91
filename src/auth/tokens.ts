import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { containsCprLike } from '../privacy/cpr';
import { allTilsyn, isTilsyn } from '../geography';
import {
  AuthConfigError,
  MAX_SUBJECT_LENGTH,
  ROLES,
  isRole,
  isValidSubject,
  listWords,
  makePrincipal,
  type Authenticator,
  type Principal,
} from './types';

/**
 * Tokens file: a JSON list of `{ "sha256": "<hex sha256 of the token>", "subject", "role", "tilsyn"? }`.
 * Only hashes are stored; a presented token is hashed and compared in constant time against every
 * entry. The file is validated strictly when loaded, and a bad file stops the service from starting.
 */

export interface TokenEntry {
  sha256: string;
  subject: string;
  role: string;
  tilsyn?: string;
}

/** SHA-256 of the token as lower-case hex: what a tokens file stores. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const FIELDS = ['sha256', 'subject', 'role', 'tilsyn'];

function fieldName(key: string): string {
  if (key.length > 40) return ' (a field with a long name)';
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Check a parsed tokens file. Returns one problem per fault, each naming the entry index and field;
 * never echoes a hash (nor anything that might be a token pasted by mistake).
 */
export function checkTokenEntries(raw: unknown): { entries: TokenEntry[]; problems: string[] } {
  const problems: string[] = [];
  if (!Array.isArray(raw)) {
    return { entries: [], problems: ['the file must hold a JSON list (array) of token entries'] };
  }
  if (raw.length === 0) problems.push('the list is empty: nobody could sign in');
  const seen = new Map<string, number>();
  const entries: TokenEntry[] = [];
  raw.forEach((item: unknown, i) => {
    const at = `entry [${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}: must be an object with sha256, subject, role and (for inspectors) tilsyn`);
      return;
    }
    const entry = item as Record<string, unknown>;
    let ok = true;
    const fault = (message: string) => {
      problems.push(`${at}${message}`);
      ok = false;
    };
    for (const key of Object.keys(entry)) {
      if (!FIELDS.includes(key)) fault(`${fieldName(key)}: unknown field; allowed are ${listWords(FIELDS, 'and')}`);
    }
    const { sha256, subject, role, tilsyn } = entry;
    if (sha256 === undefined) fault('.sha256: missing; give the hex SHA-256 of the token, never the token itself');
    else if (typeof sha256 !== 'string' || !HEX_SHA256.test(sha256)) {
      fault('.sha256: must be 64 hexadecimal characters (the SHA-256 of the token, not the token itself)');
    } else {
      const hash = sha256.toLowerCase();
      const first = seen.get(hash);
      if (first !== undefined) fault(`.sha256: the same token hash as entry [${first}]; each token must be listed once`);
      else seen.set(hash, i);
    }
    if (subject === undefined) fault('.subject: missing; name who the token belongs to');
    else if (typeof subject === 'string' && containsCprLike(subject)) {
      // Named, not quoted: the value may be a real CPR number.
      fault('.subject: looks like a CPR number, which must not be recorded in logs and audit entries; use a pseudonymous name such as an e-mail address or user id');
    } else if (!isValidSubject(subject)) fault(`.subject: must be non-empty text without control characters, at most ${MAX_SUBJECT_LENGTH} characters`);
    if (role === undefined) fault(`.role: missing; use ${listWords(ROLES)}`);
    else if (!isRole(role)) fault(`.role: ${JSON.stringify(role)} is not a role; use ${listWords(ROLES)}`);
    if (role === 'inspector') {
      if (tilsyn === undefined) fault(`.tilsyn: missing; an inspector works for one socialtilsyn: ${listWords(allTilsyn())}`);
      else if (!isTilsyn(tilsyn)) fault(`.tilsyn: ${JSON.stringify(tilsyn)} is not a socialtilsyn; use ${listWords(allTilsyn())}`);
    } else if (isRole(role) && tilsyn !== undefined) {
      fault(`.tilsyn: only an inspector has a tilsyn; remove it for role ${role}`);
    }
    if (ok) {
      entries.push({
        sha256: (sha256 as string).toLowerCase(),
        subject: subject as string,
        role: role as string,
        ...(tilsyn !== undefined ? { tilsyn: tilsyn as string } : {}),
      });
    }
  });
  return { entries: problems.length === 0 ? entries : [], problems };
}

/** An authenticator over already-validated entries. */
export function hashAuthenticator(entries: TokenEntry[], description: string): Authenticator {
  const table = entries.map((e) => {
    const principal = makePrincipal(e.subject, e.role, e.tilsyn);
    if (!principal) throw new AuthConfigError(`${description}: an entry has an invalid role or tilsyn`);
    return { digest: Buffer.from(e.sha256, 'hex'), principal };
  });
  const text = `${description} (${table.length} ${table.length === 1 ? 'token' : 'tokens'})`;
  return {
    async authenticate(token: string): Promise<Principal | null> {
      if (typeof token !== 'string' || token === '') return null;
      const digest = createHash('sha256').update(token, 'utf8').digest();
      // Compare against every entry, without stopping at a match, so timing says nothing about the table.
      let found: Principal | null = null;
      for (const row of table) {
        if (timingSafeEqual(digest, row.digest) && found === null) found = row.principal;
      }
      return found;
    },
    describe: () => text,
  };
}

/** Read and validate a tokens file; throws AuthConfigError listing every bad entry. */
export function loadTokensFile(path: string): Authenticator {
  const heading = `tokens file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new AuthConfigError(`cannot read the file (${code})`, heading);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // JSON.parse messages quote the offending text, which may be a token: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new AuthConfigError(`not valid JSON${position !== undefined ? ` (at character ${position})` : ''}`, heading);
  }
  const { entries, problems } = checkTokenEntries(raw);
  if (problems.length > 0) throw new AuthConfigError(problems, `${heading} has ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`);
  return hashAuthenticator(entries, heading);
}
