import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal content always gives equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function contentHash(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}

/**
 * The content hash of a rule set version. `status` and `$schema` are left out: moving a published
 * version to retired is a lifecycle step, not a change of criteria, and must not break the lock.
 */
export function rulesetHash(ruleset: object): string {
  const { status: _status, $schema: _schema, ...content } = ruleset as Record<string, unknown>;
  return contentHash(content);
}
