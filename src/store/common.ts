/** Pieces both store implementations share, so they cannot drift apart. */
import { InvalidCursorError } from './errors';
import type {
  ApprovalFilter,
  StoredApproval,
  Change,
  DocumentCollection,
  StoreOptions,
  DocumentQuery,
  EvaluationFilter,
  Page,
  ProviderFilter,
  StoredProvider,
  PageRequest,
  StoredDocument,
} from './types';

/** Page size used when iterating every matching approval for batch jobs. */
export const ITERATION_PAGE_SIZE = 200;

/** The (createdAt, id) key of the last item of a page, as an opaque base64url token. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new InvalidCursorError();
  }
  return { createdAt: parsed[0], id: parsed[1] };
}

export function assertPageRequest(page: PageRequest): void {
  if (!Number.isInteger(page.limit) || page.limit < 1) throw new RangeError(`page limit must be a positive integer, got ${page.limit}`);
}

/** Given limit + 1 rows, the page and (if there were more) the cursor after its last item. */
export function toPage<A extends { createdAt: string; id: string }>(rows: A[], limit: number): Page<A> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: encodeCursor(last.createdAt, last.id) };
}

const FILTER_KEYS = ['speciale', 'level', 'status', 'tilsyn', 'tilbudId', 'cvr', 'expiringBefore'] as const;

/**
 * Filter values end up in database queries: anything but a string (say an object like {$ne: ''} from an
 * unvalidated query string) is refused rather than interpreted as a query operator.
 */
export function assertFilter(filter: ApprovalFilter): void {
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`approval filter ${key} must be a string`);
  }
}

const EVALUATION_FILTER_KEYS = ['tilbudId', 'speciale', 'tilsyn', 'from', 'to'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** As assertFilter, for evaluations; `from` and `to` must be YYYY-MM-DD dates (they are compared with createdAt). */
export function assertEvaluationFilter(filter: EvaluationFilter): void {
  for (const key of EVALUATION_FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`evaluation filter ${key} must be a string`);
  }
  for (const key of ['from', 'to'] as const) {
    const value = filter[key];
    if (value !== undefined && (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00.000Z`)))) {
      throw new TypeError(`evaluation filter ${key} must be a date (YYYY-MM-DD)`);
    }
  }
}

/**
 * The createdAt bounds of an evaluation filter's days: createdAt >= since and createdAt < before, as ISO
 * strings (createdAt is an ISO datetime in UTC, so string order is time order).
 */
export function createdAtRange(filter: EvaluationFilter): { since?: string; before?: string } {
  const range: { since?: string; before?: string } = {};
  if (filter.from !== undefined) range.since = `${filter.from}T00:00:00.000Z`;
  if (filter.to !== undefined) {
    const next = new Date(`${filter.to}T00:00:00.000Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    range.before = next.toISOString();
  }
  return range;
}

export function assertId(id: unknown, what = 'id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`${what} must be a non-empty string`);
}

/** Keys of findDocuments queries are top-level field names, never paths or operators. */
export function assertDocumentQuery(query: DocumentQuery): void {
  for (const [key, value] of Object.entries(query)) {
    if (!isPlainFieldName(key)) throw new TypeError(`query key '${key}' must not start with '$' or contain '.'`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`query value for '${key}' must be a string, number or boolean`);
    }
  }
}

export function isPlainFieldName(key: string): boolean {
  return key.length > 0 && !key.startsWith('$') && !key.includes('.');
}

/** Strict equality on every query key (a database's own equality would also match array elements). */
export function matchesQuery(doc: StoredDocument, query: DocumentQuery): boolean {
  return Object.entries(query).every(([key, value]) => doc[key] === value);
}

export function byId(a: StoredDocument, b: StoredDocument): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function assertStoredDocument(doc: StoredDocument): void {
  assertId(doc?.id, 'document id');
}

/** Every matching approval, one page-sized query at a time (no long-lived database cursor to time out). */
export async function* iterateApprovals<A extends StoredApproval>(
  list: (filter: ApprovalFilter, page: PageRequest) => Promise<Page<A>>,
  filter: ApprovalFilter,
): AsyncGenerator<A> {
  let cursor: string | undefined;
  do {
    const page = await list(filter, { limit: ITERATION_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** Whether a status is in force: from the statuses the domain names (StoreOptions). */
export type InForce = (status: string) => boolean;

export function inForcePredicate(options: StoreOptions): InForce {
  const statuses = [...options.inForceStatuses];
  if (statuses.length === 0 || statuses.some((s) => typeof s !== 'string')) throw new TypeError('inForceStatuses must name at least one status');
  return (status) => statuses.includes(status);
}

/** Argument checks of a change, written once for both stores. */
export function assertChange(change: Change): void {
  if (typeof change !== 'object' || change === null || typeof change.audit !== 'object' || change.audit === null) throw new TypeError('a change needs its audit entry');
  if (change.evaluation) assertId(change.evaluation.id, 'evaluation id');
  if (change.approval) {
    if ('insert' in change.approval) assertId(change.approval.insert.id, 'approval id');
    else {
      assertId(change.approval.update.id, 'approval id');
      if (!Number.isInteger(change.approval.expectedVersion)) throw new TypeError('expectedVersion must be an integer');
    }
  }
  for (const { collection, doc } of change.documents ?? []) {
    if (!DOCUMENT_COLLECTIONS.includes(collection)) throw new TypeError(`unknown document collection '${String(collection)}'`);
    assertStoredDocument(doc);
  }
  if (change.provider) {
    const provider = 'insert' in change.provider ? change.provider.insert : change.provider.update;
    assertId(provider?.tilbudId, 'provider tilbudId');
    assertId(provider.tilsyn, 'provider tilsyn');
    if ('update' in change.provider && !Number.isInteger(change.provider.expectedVersion)) throw new TypeError('expectedVersion must be an integer');
  }
}

/** The provider a change writes, as it will be stored (an update gets version expectedVersion + 1). */
export function providerOf(change: Change): StoredProvider | undefined {
  if (!change.provider) return undefined;
  return 'insert' in change.provider ? change.provider.insert : { ...change.provider.update, version: change.provider.expectedVersion + 1 };
}

/** Given limit + 1 providers, the page and (if there were more) the cursor after its last one: (createdAt, tilbudId). */
export function toProviderPage<P extends StoredProvider>(rows: P[], limit: number): Page<P> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: encodeCursor(last.createdAt, last.tilbudId) };
}

export function assertProviderFilter(filter: ProviderFilter): void {
  for (const key of ['tilsyn', 'kommunekode'] as const) {
    const value = filter[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`provider filter ${key} must be a string`);
  }
}

export const DOCUMENT_COLLECTIONS: readonly DocumentCollection[] = ['recheckRuns', 'capacityChanges', 'rechecks'];

/** The approval a change writes, as it will be stored (an update gets version expectedVersion + 1). */
export function approvalOf(change: Change): StoredApproval | undefined {
  if (!change.approval) return undefined;
  return 'insert' in change.approval ? change.approval.insert : { ...change.approval.update, version: change.approval.expectedVersion + 1 };
}

/** Freezes a value and everything in it (what the stores hand out as read-only). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
