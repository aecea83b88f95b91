import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { verifyChain } from '../store/auditChain';
import { BUSY_TIMEOUT_MS, databaseFile } from '../store/sqliteDatabase';
import { auditEntryFrom, type AuditRow } from '../store/sqliteRows';
import type { AuditEntry, AuditHead } from '../store/types';
import { parseJobArguments } from './commandLine';

const DESCRIPTION = `Writes a consistent copy of the embedded store (DATA_DIR/specialfunktion.sqlite) to <file>, also while
the service runs and writes (SQLite's online backup from a read connection). The copy is written beside
<file> under a temporary name, checked (PRAGMA integrity_check and its audit chain) and only then given
its name, readable by its owner only. An existing <file> is kept unless --force is given.

To restore: stop the service, copy the backup file to DATA_DIR/specialfunktion.sqlite, delete any
specialfunktion.sqlite-wal and -shm beside it, start the service and check GET /v1/audit/verify.

Exit codes: 0 written and checked, 1 refused or failed (nothing written under <file>), 2 wrong usage.`;

/** A backup holds personal data (evidence): readable by its owner only. */
const FILE_MODE = 0o600;
/** Pages per step of the backup: all of them in one step, so the copy is one snapshot of the source. */
const ALL_PAGES = 0x7fffffff;

/**
 * `npm run backup -- [--force] <file>`: an online copy of the SQLite store, checked before it gets its
 * name. Returns the exit code (see DESCRIPTION).
 */
export async function runBackup(argv: string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const say = (line: string) => out.write(`${line}\n`);
  const program = new Command('npm run backup --')
    .usage('[--force] <file>')
    .description('A checked online copy of the embedded store (DATA_DIR/specialfunktion.sqlite).')
    // The paragraphs as written: commander would re-wrap a long description.
    .addHelpText('after', `\n${DESCRIPTION}\n`)
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError()
    .argument('<file>', 'the file to write the backup to')
    .option('--force', 'replace an existing <file>');
  const write = (text: string) => out.write(text);
  const parsed = parseJobArguments(program, argv, { out: write, err: write });
  if (typeof parsed === 'number') return parsed;
  const args = { file: parsed.args[0], force: parsed.opts<{ force?: boolean }>().force === true };
  let dataDir: string;
  try {
    const config = loadConfig(env);
    if (config.mongodbUri) {
      say('MONGODB_URI is set: the record is in MongoDB, not in DATA_DIR. Back it up with mongodump / your MongoDB backups.');
      return 1;
    }
    dataDir = config.dataDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say(error.message);
    return 1;
  }
  const source = databaseFile(dataDir);
  // npm runs scripts in the package's directory; a relative file is meant from where npm was run.
  const target = path.resolve(env.INIT_CWD ?? process.cwd(), args.file);
  if (!existsSync(source)) {
    say(`There is no database at ${source} (DATA_DIR): nothing to back up.`);
    return 1;
  }
  if ([source, `${source}-wal`, `${source}-shm`, `${source}-journal`].includes(target)) {
    say(`${target} is the store's own file: give another file.`);
    return 2;
  }
  if (existsSync(target) && (!args.force || !statSync(target).isFile())) {
    say(statSync(target).isFile() ? `${target} exists: give --force to replace it.` : `${target} exists and is not a file.`);
    return 1;
  }

  const started = Date.now();
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // Created first, empty and owner-only, so the copy is never readable by others, not even for a moment.
    closeSync(openSync(temp, 'wx', FILE_MODE));
    await copyDatabase(source, temp);
    const checked = await checkCopy(temp);
    chmodSync(temp, FILE_MODE);
    syncFile(temp);
    if (args.force) renameSync(temp, target);
    else {
      // link() fails if the name was taken meanwhile: an existing file is never replaced without --force.
      linkSync(temp, target);
      unlinkSync(temp);
    }
    // The new name on disk too.
    syncFile(path.dirname(target));
    const head = checked.head ? `head ${checked.head.seq} ${checked.head.hash}` : 'empty log';
    say(`Backup ${target}: ${statSync(target).size} bytes, ${checked.entries} audit entries, ${head} (${Date.now() - started} ms)`);
    return 0;
  } catch (error) {
    say(`Backup failed, nothing written to ${target}: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The source copied into `dest` (an existing empty file) from a read connection, in one step. */
async function copyDatabase(source: string, dest: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    // Another connection's commit between two steps restarts the backup; copying every page in one
    // step reads one snapshot (WAL: the service's writers carry on meanwhile).
    await db.backup(dest, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/**
 * Makes the copy one self-contained file (rollback journal; the service turns WAL on when it opens it),
 * then checks it: PRAGMA integrity_check, and the audit chain ending at the head recorded in it.
 */
async function checkCopy(file: string): Promise<{ entries: number; head: AuditHead | null }> {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const problems = (db.pragma('integrity_check(20)') as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') throw new Error(`the copy fails PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
    const recorded = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE one = 1').get() ?? null;
    const rows = db.prepare<[], AuditRow>('SELECT seq, hash, entry FROM audit ORDER BY seq').iterate();
    const chain = await verifyChain(
      (function* (): Generator<AuditEntry> {
        for (const row of rows) yield auditEntryFrom(row);
      })(),
      recorded,
    );
    if (!chain.ok) throw new Error(`the audit chain in the copy does not verify at entry ${chain.firstBrokenSeq}: ${chain.reason}`);
    return { entries: chain.entries, head: chain.head };
  } finally {
    db.close();
  }
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

if (require.main === module) {
  runBackup(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
