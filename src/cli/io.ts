import path from 'node:path';

/** Where the CLI writes and which directory relative paths start from; tests pass their own. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  /** Today's date (YYYY-MM-DD) for commands that default to today; default: the system clock. */
  today?: string;
}

/** An expected failure: the message goes to stderr as is, with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const PROGRAM = 'speciale-rules';

export type Out = (line?: string) => void;
export type Err = (line: string) => void;

/** What every command gets from main: the io, line writers, and where to leave its exit code. */
export interface CommandContext {
  io: CliIo;
  out: Out;
  err: Err;
  /** Runs a command's body and keeps its exit code for main to return. */
  run(body: () => number | Promise<number>): Promise<void>;
}

export function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

export function resolveDir(io: CliIo, dir: string): string {
  return path.resolve(io.cwd, dir);
}
