import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BODY_LIMIT } from '../../src/http/app';
import { validateAgainst } from '../../src/schemas';
import type { Evidence, StaffMember } from '../../src/evidence/types';

/** The evidence schema and the request body limit agree: the most staff the schema allows fits in one request. */

const RULES = path.resolve(__dirname, '../../rules');
const cases = readdirSync(RULES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(RULES, d.name, 'cases')).map((f) => JSON.parse(readFileSync(path.join(RULES, d.name, 'cases', f), 'utf8')) as { evidence: Evidence }));
const staffOf = (c: { evidence: Evidence }) => c.evidence.staff ?? [];
const largest = cases.flatMap(staffOf).reduce((a, b) => (JSON.stringify(b).length > JSON.stringify(a).length ? b : a));
const home = cases.find((c) => staffOf(c).includes(largest))!;
const maxStaff = (JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/evidence.schema.json'), 'utf8')) as { properties: { staff: { maxItems: number } } }).properties.staff.maxItems;

/** express.json reads '1mb' as 1 MiB (the bytes package: 1024-based units). */
function limitInBytes(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`unexpected body limit ${limit}`);
  return Number(match[1]) * (match[2] === 'kb' ? 1024 : 1024 * 1024);
}

function withStaff(count: number): Evidence {
  const staff: StaffMember[] = Array.from({ length: count }, (_, i) => ({ ...largest, ref: `M-${i}` }));
  return { ...home.evidence, staff };
}

describe('evidence size', () => {
  it('accepts as many staff as the schema allows, each as large as the largest in the example cases, within the body limit', () => {
    const evidence = withStaff(maxStaff);
    expect(validateAgainst('evidence', evidence)).toEqual([]);
    const body = JSON.stringify({ speciale: 'autisme', level: 'specialfunktion', evidence });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limitInBytes(BODY_LIMIT));
  });

  it('refuses one staff member more than that with a schema problem at /staff', () => {
    expect(validateAgainst('evidence', withStaff(maxStaff + 1))).toEqual([expect.objectContaining({ pointer: '/staff' })]);
  });
});
