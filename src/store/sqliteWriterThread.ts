/**
 * The SQLite store's writer thread (started by sqliteWriter.ts): runs each group of commits with
 * ChangeWriter on a connection of its own, so the service's thread is free while SQLite writes and
 * fsyncs. A Worker loads JavaScript only: the built service starts the sibling sqliteWriterThread.js,
 * and TypeScript run directly (ts-jest, tsRegister) starts dist/src/store/sqliteWriterThread.js, which
 * jest's globalSetup builds once per run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { timedCommit } from './sqliteCommit';
import { ConnectionAtPath } from './sqliteConnection';
import { plainError, type FromWriter, type ToWriter, type WorkerData } from './sqliteWriterMessages';

const port = parentPort;
if (!port) throw new Error('sqliteWriterThread runs as a worker thread only');
const { dataDir, checked } = workerData as WorkerData;
// Opened at the first group (the main thread created the file), then checked before every group.
const connection = new ConnectionAtPath(dataDir, null, checked);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    connection.close();
    port.close();
    return;
  }
  let reply: FromWriter;
  try {
    const { results, transaction } = timedCommit(connection.current().writer, message.jobs);
    reply = { type: 'committed', results: results.map((result) => ('error' in result ? { error: plainError(result.error) } : result)), transaction };
  } catch (error) {
    reply = { type: 'failed', error: plainError(error) };
  }
  port.postMessage(reply);
});
