/**
 * For tests of what the service does when its record is changed behind its back, and what it logs then.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino, { type Logger } from 'pino';

/** Someone with access to the database file in `dataDir`, working behind the service's back. */
export function behindTheBack<T>(dataDir: string, work: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'specialfunktion.sqlite'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** A logger at `info` whose JSON lines are kept in `lines`. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}
