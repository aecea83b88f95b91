/** Starts crashWriter.ts in a child process and collects the commits it acknowledged. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Ack } from './crashWriter';

const ROOT = path.resolve(__dirname, '../../..');
const TS_REGISTER = path.join(ROOT, 'test/support/tsRegister.js');
const CRASH_WRITER = path.join(ROOT, 'test/store/support/crashWriter.ts');

export interface WriterProcess {
  child: ChildProcess;
  /** Resolves once the child has printed at least `n` acknowledgements; rejects if it exits first. */
  acknowledged(n: number): Promise<void>;
  /** Resolves when the child has exited and all it printed has been read. */
  closed: Promise<unknown>;
  acks(): Ack[];
  stderr(): string;
}

export function startWriter(dataDir: string, iterations?: number): WriterProcess {
  const args = ['--require', TS_REGISTER, CRASH_WRITER, dataDir, ...(iterations === undefined ? [] : [String(iterations)])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = once(child, 'close');
  const acks = () =>
    stdout
      .split('\n')
      .filter((line) => line.endsWith('}'))
      .map((line) => JSON.parse(line) as Ack);
  return {
    child,
    closed,
    acks,
    stderr: () => stderr,
    acknowledged: (n) =>
      new Promise<void>((resolve, reject) => {
        const onExit = (code: number | null) => {
          if (acks().length >= n) resolve();
          else reject(new Error(`writer exited (${code}) after ${acks().length} acknowledgements: ${stderr}`));
        };
        const onData = () => {
          if (acks().length >= n) {
            child.stdout.off('data', onData);
            child.off('exit', onExit);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.once('exit', onExit);
      }),
  };
}
