import { existsSync, writeFileSync } from 'node:fs';
import { escapePointer } from '../schemas';
import { readJsonFile, type FileProblem } from './load';
import type { LockParts } from './lockParts';
import { compareVersions } from './semver';

/**
 * rules/rules.lock.json: { "<speciale>/<version>": { "hash": "sha256:…", "parts": { "<pointer>": "sha256:…" } } }
 * with the content hash (rulesetHash) of every published version, so an edit after publication is caught,
 * and a hash per part (lockParts.ts) to point at where. An entry may still be a bare "sha256:…" (locked
 * before parts were kept): it is checked by its hash alone, and an edit is reported for the whole file
 * (an existing entry is never rewritten, so its parts are not added afterwards).
 */
export type LockEntries = Record<string, string>;
/** The parts locked per key, where the lock keeps them. */
export type LockPartsByKey = Record<string, LockParts>;

export const LOCK_KEY = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\/((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))$/;
const HASH = /^sha256:[0-9a-f]{64}$/;

export function lockKey(speciale: string, version: string): string {
  return `${speciale}/${version}`;
}

export function lockPointer(key: string): string {
  return `/${escapePointer(key)}`;
}

export function immutabilityMessage(speciale: string, version: string): string {
  return (
    `version ${version} af '${speciale}' er publiceret og må ikke ændres; udgiv en ny version i stedet ` +
    '(published versions are immutable: publish a new version instead)'
  );
}

export interface LockFile {
  file: string;
  exists: boolean;
  entries: LockEntries;
  parts: LockPartsByKey;
  problems: FileProblem[];
}

/** Read the lock; a missing file is an empty lock, a malformed one gives problems (and no entries). */
export function readLock(file: string): LockFile {
  if (!existsSync(file)) return { file, exists: false, entries: {}, parts: {}, problems: [] };
  const { value, problems } = readJsonFile(file);
  if (value === undefined) return { file, exists: true, entries: {}, parts: {}, problems };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { file, exists: true, entries: {}, parts: {}, problems: [...problems, { file, pointer: '', code: 'invalid-lock-file', message: 'låsefilen skal være ét JSON-objekt: { "<speciale>/<version>": { "hash": "sha256:…", "parts": { … } } } (ældre poster: kun "sha256:…")' }] };
  }
  const entries: LockEntries = {};
  const parts: LockPartsByKey = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const hash = isPartsEntry(entry) ? entry.hash : entry;
    if (!LOCK_KEY.test(key)) {
      problems.push({ file, pointer: lockPointer(key), code: 'invalid-lock-key', message: `'${key}' er ikke en nøgle af formen "<speciale>/<version>", fx "autisme/1.0.0"; ret eller fjern linjen` });
    } else if (typeof hash !== 'string' || !HASH.test(hash)) {
      problems.push({ file, pointer: lockPointer(key), code: 'invalid-lock-hash', message: 'værdien skal være en indholds-hash "sha256:<64 hex-tegn>"; skriv den ikke i hånden – fjern linjen og kør `speciale-rules lock`' });
    } else {
      entries[key] = hash;
      if (isPartsEntry(entry)) parts[key] = entry.parts;
    }
  }
  return { file, exists: true, entries, parts, problems };
}

function isPartsEntry(entry: unknown): entry is { hash: unknown; parts: LockParts } {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
  const parts = (entry as { parts?: unknown }).parts;
  return parts !== null && typeof parts === 'object' && !Array.isArray(parts) && Object.values(parts).every((h) => typeof h === 'string' && HASH.test(h));
}

/** Keys by speciale, then by version (numerically); two-space indent; trailing newline. */
export function serializeLock(entries: LockEntries, parts: LockPartsByKey = {}): string {
  const keys = Object.keys(entries).sort((a, b) => {
    const [sa, va] = a.split('/');
    const [sb, vb] = b.split('/');
    return sa !== sb ? (sa < sb ? -1 : 1) : compareVersions(va, vb);
  });
  const sorted: Record<string, unknown> = {};
  for (const key of keys) sorted[key] = parts[key] ? { hash: entries[key], parts: parts[key] } : entries[key];
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export function writeLock(file: string, entries: LockEntries, parts: LockPartsByKey = {}): void {
  writeFileSync(file, serializeLock(entries, parts), 'utf8');
}
