import path from 'node:path';
import { rulesetHash } from './hash';
import { CASES_DIR, type FileProblem } from './load';
import { lockKey, writeLock, type LockEntries, type LockPartsByKey } from './lockfile';
import { lockParts } from './lockParts';
import { checkRulesTree, type CheckOptions } from './validate';

export { immutabilityMessage, lockKey, readLock, serializeLock, writeLock, type LockEntries, type LockFile } from './lockfile';

export interface LockResult {
  file: string;
  /** Keys added by this run ("<speciale>/<version>"). */
  added: string[];
  /** Entries in the lock after the run. */
  locked: number;
  written: boolean;
  /** Why nothing was written. */
  problems: FileProblem[];
}

/**
 * Record the content hash of every published (or retired) version that is not locked yet. An existing
 * entry is never rewritten: if a locked version changed, or a rule file or the lock has any other
 * problem, nothing is written and the problems say why (example cases do not block locking).
 */
export function updateLock(dir: string, options: CheckOptions = {}): LockResult {
  const check = checkRulesTree(dir, options);
  const file = check.lock.file;
  const lock = check.lock;
  // Any problem in the rule files or the lock blocks the run, except the missing entries this run adds:
  // an invalid version must not be locked, and a changed locked version must not be re-locked.
  const blocking = check.problems.filter((p) => p.code !== 'lock-missing' && !isCaseFile(p.file));
  if (blocking.length > 0) return { file, added: [], locked: Object.keys(lock.entries).length, written: false, problems: blocking };

  const entries: LockEntries = { ...lock.entries };
  const parts: LockPartsByKey = { ...check.lock.parts };
  const added: string[] = [];
  for (const { ruleset } of check.rulesets) {
    if (ruleset.status === 'draft') continue;
    const key = lockKey(ruleset.speciale, ruleset.version);
    // An existing entry is never rewritten, not even to add parts to one locked before they were kept.
    if (entries[key] !== undefined) continue;
    entries[key] = rulesetHash(ruleset);
    parts[key] = lockParts(ruleset);
    added.push(key);
  }
  const written = added.length > 0;
  if (written) writeLock(file, entries, parts);
  return { file, added, locked: Object.keys(entries).length, written, problems: [] };
}

function isCaseFile(file: string): boolean {
  return path.basename(path.dirname(file)) === CASES_DIR;
}
