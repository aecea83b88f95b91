import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Helpers for the fault tests: the built service (`node dist/src/server.js`, compiled once by the jest
 * globalSetup) and the built re-check job as real child processes on 127.0.0.1, each in its own process
 * group, killed the hard way when a test wants it and always cleaned up afterwards.
 *
 * RULES_DIR is not set here: the children inherit the test run's environment (the shipped rules/ unless
 * the caller points RULES_DIR elsewhere), like test/e2e does.
 */
export const ROOT = path.resolve(__dirname, '../../..');
export const SERVER_JS = path.join(ROOT, 'dist/src/server.js');
export const RECHECK_JS = path.join(ROOT, 'dist/src/jobs/recheck.js');
export const TS_REGISTER = path.join(ROOT, 'test/support/tsRegister.js');
export const RULES_DIR = process.env.RULES_DIR ? path.resolve(ROOT, process.env.RULES_DIR) : path.join(ROOT, 'rules');

const OUTPUT_LIMIT = 256 * 1024;
const started = new Set<Child>();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Child {
  private out = '';
  private readonly waiters: { test: (out: string) => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly proc: ChildProcess) {
    started.add(this);
    const collect = (chunk: Buffer) => {
      this.out += chunk.toString('utf8');
      if (this.out.length > OUTPUT_LIMIT) this.out = this.out.slice(-OUTPUT_LIMIT);
      for (const w of [...this.waiters]) {
        if (w.test(this.out)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    // 'close' rather than 'exit': by then every byte the child wrote has been read.
    this.exited = once(proc, 'close').then(() => {
      started.delete(this);
      return { code: proc.exitCode, signal: proc.signalCode };
    });
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(): string {
    return this.out;
  }

  /** Resolves when the output so far matches; rejects if the child exits first or the time runs out. */
  async waitForOutput(test: RegExp | ((out: string) => boolean), timeoutMs: number, what = String(test)): Promise<void> {
    const matches = typeof test === 'function' ? test : (out: string) => test.test(out);
    if (matches(this.out)) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push({ test: matches, resolve })),
        this.exited.then(({ code, signal }) => {
          if (!matches(this.out)) throw new Error(`child exited (${code ?? signal}) before ${what}:\n${this.out.slice(-4000)}`);
        }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${this.out.slice(-4000)}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL to the child's whole process group: no handler runs, nothing is flushed or closed. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }
}

/** Starts a node script with the given environment, detached into its own process group. */
export function spawnNode(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Child(child);
}

export interface Server extends Child {
  port: number;
  base: string;
}

/**
 * Starts `node dist/src/server.js` on a free port of 127.0.0.1 (PORT=0; the port is read from the
 * 'listening' log line, so LOG_LEVEL is info) and waits until it listens, and unless `ready: false`,
 * until /ready answers 200.
 */
export async function startServer(env: Record<string, string>, options: { ready?: boolean; timeoutMs?: number } = {}): Promise<Server> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawnNode([SERVER_JS], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECHECK_INTERVAL_MINUTES: '0', ...env });
  const listening = /"port":(\d+)[^\n]*"msg":"listening"/;
  await child.waitForOutput(listening, timeoutMs, "the 'listening' log line");
  const port = Number(listening.exec(child.output())![1]);
  const server = Object.assign(child, { port, base: `http://127.0.0.1:${port}` }) as Server;
  if (options.ready !== false) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await fetch(`${server.base}/ready`).catch(() => undefined);
      if (res?.status === 200) break;
      if (!server.running || Date.now() > deadline) throw new Error(`server did not become ready (${res?.status}):\n${server.output().slice(-4000)}`);
      await sleep(100);
    }
  }
  return server;
}

/** Kills whatever a test left running (call in afterAll / afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all([...started].map((c) => c.kill9()));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `sf-faults-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export function adminToken(dataDir: string): string {
  const tokens = JSON.parse(readFileSync(path.join(dataDir, 'generated-tokens.json'), 'utf8')) as { role: string; token: string }[];
  return tokens.find((t) => t.role === 'admin')!.token;
}

export interface Response {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One JSON call as the given bearer ('' for none); `signal` lets a caller bound it. */
export async function call(base: string, token: string, method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(base + url, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface EligibleCase {
  speciale: string;
  level: 'specialfunktion';
  evidence: Record<string, unknown>;
  asOf: string;
  version?: string;
}

/** An example case shipped with the rules that the engine finds eligible for specialfunktion. */
export function eligibleCase(speciale: string): EligibleCase {
  const dir = path.join(ROOT, 'rules', speciale, 'cases');
  for (const file of readdirSync(dir).sort()) {
    const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    if (c.level === 'specialfunktion' && c.expected.overall === 'eligible') return { speciale, ...c };
  }
  throw new Error(`no eligible specialfunktion case for ${speciale}`);
}

/** The body of POST /v1/evaluations for an example case. */
export function evaluationRequest(c: EligibleCase): Record<string, unknown> {
  return { speciale: c.speciale, level: 'specialfunktion', evidence: c.evidence, asOf: c.asOf, ...(c.version ? { version: c.version } : {}) };
}
