import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { createRecordStore } from '../approvals/records';
import { IN_FORCE_STATUSES } from '../approvals/status';
import { verifyRecord } from '../approvals/integrity';
import { GENERATED_KEY_FILE } from '../audit/signing';
import { GENERATED_TOKENS_FILE, HASHES_FILE } from '../auth/generated';
import { ConfigError, loadConfig } from '../config';
import { LegacyReadError, readLegacyStore, type LegacyStore } from '../store/legacyNedb';
import { verifyChain } from '../store/auditChain';
import { SqliteStore } from '../store/sqlite';
import { databaseFile, openDatabase } from '../store/sqliteDatabase';
import { ImportRefusedError, tablesHoldingRecords } from '../store/sqliteImport';
import { systemClock } from '../time/clock';
import { parseJobArguments } from './commandLine';

const DESCRIPTION = `Imports, once, a data directory of the earlier nedb store into the SQLite store of DATA_DIR (the service's
configuration; it may be the same directory). Stop the service first. Everything is written in one
transaction, with the audit entries' seq and hashes as they were; leases are not imported. The old files
are only read. Refused, with nothing written, when the old audit chain does not verify, a line of an old
file cannot be read, or the SQLite store already holds a record. Afterwards the approvals are checked
against the chain, as GET /v1/audit/verify does.

Exit codes: 0 imported and verified, 1 refused or failed (or imported but not verified), 2 wrong usage.`;

/**
 * `npm run import-nedb -- <old DATA_DIR>`: the earlier nedb store's record into the SQLite store, once.
 * Returns the exit code (see DESCRIPTION).
 */
export async function runImportNedb(argv: string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const say = (line: string) => out.write(`${line}\n`);
  const program = new Command('npm run import-nedb --')
    .usage('<old DATA_DIR>')
    .description('Imports an earlier nedb data directory into the SQLite store of DATA_DIR, once.')
    // The paragraphs as written: commander would re-wrap a long description.
    .addHelpText('after', `\n${DESCRIPTION}\n`)
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError()
    .argument('<old DATA_DIR>', 'the data directory of the earlier nedb store');
  const write = (text: string) => out.write(text);
  const parsed = parseJobArguments(program, argv, { out: write, err: write });
  if (typeof parsed === 'number') return parsed;
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message);
      return 1;
    }
    throw error;
  }
  if (config.mongodbUri) {
    say('MONGODB_URI is set: the service uses MongoDB, and this command imports into the embedded SQLite store of DATA_DIR. Unset MONGODB_URI to import there. Nothing was written.');
    return 1;
  }
  // npm runs scripts in the package's directory; a relative path is meant from where npm was run.
  const oldDir = path.resolve(env.INIT_CWD ?? process.cwd(), parsed.args[0]);
  const started = Date.now();

  let old: LegacyStore;
  try {
    old = await readLegacyStore(oldDir);
  } catch (error) {
    if (!(error instanceof LegacyReadError)) throw error;
    say(`${error.message}. Nothing was written.`);
    return 1;
  }
  // The old store recorded no head: the newest entry stands for it.
  const newest = old.audit[old.audit.length - 1];
  const chain = await verifyChain(old.audit, newest ? { seq: newest.seq, hash: newest.hash } : null);
  if (!chain.ok) {
    say(`The audit chain in ${oldDir} does not verify at entry ${chain.firstBrokenSeq}: ${chain.reason}. Nothing was written.`);
    return 1;
  }

  const target = databaseFile(config.dataDir);
  const store = new SqliteStore(config.dataDir, { inForceStatuses: IN_FORCE_STATUSES });
  let created: { undo(): void } | undefined;
  try {
    created = prepareTarget(config.dataDir);
    await store.init();
    await store.importRecords(old);
  } catch (error) {
    await store.close();
    try {
      created?.undo();
    } catch (undoError) {
      say(`Could not remove ${target}, which this run created: ${(undoError as Error).message}`);
    }
    say(error instanceof ImportRefusedError ? error.message : `Cannot import into ${target}: ${(error as Error)?.message ?? String(error)}. Nothing was written.`);
    return 1;
  }

  try {
    say(`Imported ${oldDir} into ${target} in ${Date.now() - started} ms:`);
    say(`  evaluations ${old.evaluations.length}, approvals ${old.approvals.length}, audit entries ${old.audit.length}`);
    const perCollection = new Map<string, number>();
    for (const { collection } of old.documents) perCollection.set(collection, (perCollection.get(collection) ?? 0) + 1);
    say(`  documents: ${['recheckRuns', 'capacityChanges', 'rechecks'].map((c) => `${c} ${perCollection.get(c) ?? 0}`).join(', ')}`);
    say(`  leases not imported: ${old.leases}`);
    // Checked as the service will read it: this domain's records, through the port.
    await store.close();
    const record = createRecordStore({ dataDir: config.dataDir, writerThread: false });
    await record.init();
    let verified;
    try {
      verified = await verifyRecord(record, systemClock);
    } finally {
      await record.close();
    }
    const { ok, report } = verified;
    if (ok && report.status === 'ok') {
      const head = report.head ? `head ${report.head.seq} ${report.head.hash}` : 'empty log';
      say(`Verified: the audit chain (${report.entries} entries, ${head}) and ${report.approvals} approvals against it.`);
      say(`The old files in ${oldDir} were only read; keep them until the service has run on the imported record.`);
      const notCopied = [GENERATED_TOKENS_FILE, HASHES_FILE, GENERATED_KEY_FILE].filter((f) => existsSync(path.join(oldDir, f)) && !existsSync(path.join(config.dataDir, f)));
      if (notCopied.length > 0) say(`Not copied to ${config.dataDir}: ${notCopied.join(', ')} (copy them there to keep the same tokens and audit signing key).`);
      return 0;
    }
    say(`NOT VERIFIED: ${JSON.stringify(report)}`);
    say(
      `The record stays imported in ${target}: the service will start and report it degraded, refusing writes. ` +
        `Examine it with GET /v1/audit/verify. To start over, stop the service, delete ${target} (and its -wal and -shm files) and import again.`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

/**
 * Creates the database in dataDir if there is none (the store refuses to create one beside an old nedb
 * store, which dataDir may be), and how to remove it again after a refused import: only what this run
 * created, and only while it holds no record.
 */
function prepareTarget(dataDir: string): { undo(): void } {
  const file = databaseFile(dataDir);
  if (existsSync(file)) return { undo: () => undefined };
  const dirExisted = existsSync(dataDir);
  openDatabase(dataDir, { create: true }).db.close();
  return {
    undo() {
      const { db } = openDatabase(dataDir, { create: false });
      const empty = tablesHoldingRecords(db).length === 0;
      db.close();
      if (!empty) return;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      if (!dirExisted && readdirSync(dataDir).length === 0) rmdirSync(dataDir);
    },
  };
}

if (require.main === module) {
  runImportNedb(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
