/**
 * The store cannot be reached or written to right now (database down, no primary, data directory not
 * writable, disk full). Transient by nature: the HTTP layer answers 503 with Retry-After.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An insert used an id that is already stored (ids are caller-generated UUIDs, so this is a bug or a replay). */
export class DuplicateIdError extends Error {
  override readonly name = 'DuplicateIdError';

  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`A record with id ${id} already exists in ${collection}`);
  }
}

/**
 * The approval would be in force while another one for the same provider (tilbudId), speciale and level
 * is. `inForceId` is that other approval, when the store could tell which it is.
 */
export class ApprovalInForceError extends Error {
  override readonly name = 'ApprovalInForceError';

  constructor(
    readonly approvalId: string,
    readonly inForceId: string | undefined,
  ) {
    super(`Approval ${approvalId} cannot be in force: approval ${inForceId ?? '(unknown)'} for the same provider, speciale and level is`);
  }
}

/** A paging cursor the store did not issue: the caller's mistake (the HTTP layer answers 422 naming the parameter). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';

  constructor() {
    super('the cursor was not issued by this store');
  }
}

/**
 * The stored record cannot be trusted: the database file is damaged, or the audit chain does not link
 * (an entry edited, cut off or replaced behind the service's back). Never transient and never repaired
 * by the store: the HTTP layer answers 503 `store-integrity` without Retry-After, since an operator must act.
 */
export class StoreIntegrityError extends Error {
  override readonly name = 'StoreIntegrityError';

  constructor(
    message: string,
    readonly details: { firstBrokenSeq?: number; damage?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * DATA_DIR holds the nedb files of the embedded store before SQLite, and no SQLite database. The store
 * refuses to start there (it would begin an empty record beside the old one) and creates nothing; the
 * old record is imported once, with the service stopped.
 */
export class LegacyStoreError extends Error {
  override readonly name = 'LegacyStoreError';

  constructor(
    readonly dataDir: string,
    readonly files: string[],
  ) {
    super(
      `${dataDir} holds the old nedb store (${files.join(', ')}) and no SQLite database: import it first with \`npm run import-nedb -- ${dataDir}\`, then start again`,
    );
  }
}

/**
 * One stored record cannot be read: its JSON does not parse, or it lacks a field every record of its
 * collection has (a row edited behind the service's back, a torn write restored badly). Never transient
 * and never repaired by the store; the rest of the record is still read. Names the record (collection and
 * id), never its content: the HTTP layer answers 500 `record-damaged` without Retry-After.
 */
export class RecordDamagedError extends Error {
  override readonly name = 'RecordDamagedError';

  constructor(
    readonly collection: string,
    readonly id: string,
    readonly reason: string,
  ) {
    super(`The stored record ${collection}/${id} is damaged (${reason}); an operator must restore it from the latest backup`);
  }
}
