import { escapePointer } from '../schemas';
import { contentHash } from './hash';
import { LEVELS, type Ruleset } from './types';

/**
 * A hash per part of a published version, kept in the lock beside its whole hash, so an edit after
 * publication is pointed at where it was made without a copy of the file or its git history: each
 * top-level field, each level's policy and includesLevel, the list of requirement ids per level (an added,
 * removed or moved requirement) and each requirement (about 40 hashes for a version of 30 requirements;
 * a hash per requirement field would triple the lock for little more precision). The whole hash stays the
 * authority; the parts only say where to look.
 */
export type LockParts = Record<string, string>;

export function lockParts(ruleset: Ruleset): LockParts {
  const parts: LockParts = {};
  for (const [key, value] of Object.entries(ruleset)) {
    if (key !== 'levels') parts[`/${escapePointer(key)}`] = contentHash(value);
  }
  for (const level of LEVELS) {
    const rules = ruleset.levels[level];
    const at = `/levels/${level}`;
    parts[`${at}/approvalPolicy`] = contentHash(rules.approvalPolicy);
    parts[`${at}/includesLevel`] = contentHash(rules.includesLevel ?? null);
    parts[`${at}/requirements`] = contentHash(rules.requirements.map((r) => r.id));
    rules.requirements.forEach((requirement, i) => (parts[`${at}/requirements/${i}`] = contentHash(requirement)));
  }
  return parts;
}

/** Where a version differs from the parts locked for it, in document order; [] when no part tells. */
export function changedParts(ruleset: Ruleset, locked: LockParts): string[] {
  const now = lockParts(ruleset);
  const pointers = new Set([...Object.keys(locked), ...Object.keys(now)]);
  const changed = [...pointers].filter((p) => locked[p] !== now[p]);
  // A requirement list that changed shape explains its shifted indices: point at the list, not at every index after it.
  const lists = changed.filter((p) => /^\/levels\/[^/]+\/requirements$/.test(p));
  return changed.filter((p) => !lists.some((l) => p.startsWith(`${l}/`)));
}
