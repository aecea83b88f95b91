/**
 * Child process for the kill -9 test: writes through the real EmbeddedStore in a loop and prints one
 * JSON line per iteration only after every write of that iteration has been acknowledged.
 * Run with: node --require test/support/tsRegister.js test/store/support/crashWriter.ts <dataDir>
 */
import { randomUUID } from 'node:crypto';
import { EmbeddedStore } from '../../../src/store/embedded';
import { approval } from './fixtures';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: crashWriter <dataDir>');
  const store = new EmbeddedStore(dataDir);
  await store.init();
  const anchor = approval({ id: `anchor-${randomUUID()}` });
  await store.insertApproval(anchor);
  let version = 1;
  for (let i = 0; ; i++) {
    const a = approval({ reason: `iteration ${i}` });
    await store.insertApproval(a);
    if (!(await store.updateApproval({ ...anchor, reason: `update ${i}` }, version))) throw new Error('unexpected version conflict');
    version += 1;
    const entry = await store.appendAudit({ at: new Date().toISOString(), subject: 'crash-writer', action: 'test', entityType: 'approval', entityId: a.id, summary: { i } });
    // Written synchronously to the pipe (stdout to a pipe is synchronous on Linux), after the acks.
    process.stdout.write(`${JSON.stringify({ i, approvalId: a.id, anchorId: anchor.id, anchorVersion: version, seq: entry.seq })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
