import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkRulesTree } from '../../src/rules/validate';
import { killAll, removeDir, ROOT, RULES_DIR, SERVER_JS, spawnNode, startServer, tempDir } from './support/child';

/**
 * Start-up refuses what would leave a service that looks started but is not: a port already taken,
 * RULES_DIR without rule sets; it follows symlinked speciale folders (Kubernetes ConfigMap mounts) and
 * never opens what is not a regular file (a FIFO would hang it).
 */
jest.setTimeout(60_000);

const dirs: string[] = [];
afterAll(async () => {
  await killAll();
  for (const d of dirs) removeDir(d);
});
function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** A rules tree whose speciale folders are symlinks to the shipped ones, as a ConfigMap mount makes them. */
function symlinkedRules(): string {
  const rules = dir('rules');
  for (const entry of readdirSync(RULES_DIR)) {
    const full = path.join(RULES_DIR, entry);
    if (statSync(full).isDirectory()) symlinkSync(full, path.join(rules, entry));
    else copyFileSync(full, path.join(rules, entry));
  }
  return rules;
}

describe('start-up', () => {
  it('exits non-zero with one line naming the port when the port is taken, without logging that it listens', async () => {
    const first = await startServer({ DATA_DIR: dir('first') });
    const second = spawnNode([SERVER_JS], { PORT: String(first.port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RECHECK_INTERVAL_MINUTES: '0', DATA_DIR: dir('second') });
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output()).not.toContain('"msg":"listening"');
    const refusal = second.output().split('\n').filter((l) => l.includes(`PORT ${first.port}`));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatch(/i brug/);
    expect(first.running).toBe(true);
  });

  it('gives the URL of /docs in the line saying it listens', async () => {
    const server = await startServer({ DATA_DIR: dir('docs') }, { ready: false });
    const line = server.output().split('\n').find((l) => l.includes('"msg":"listening"'))!;
    expect(JSON.parse(line).docs).toBe(`http://127.0.0.1:${server.port}/docs`);
    expect((await fetch(JSON.parse(line).docs)).status).toBe(200);
  });

  it('refuses to start, in one line naming it, with a RULES_DIR that holds no rule sets', async () => {
    const empty = dir('empty-rules');
    const child = spawnNode([SERVER_JS], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECHECK_INTERVAL_MINUTES: '0', DATA_DIR: dir('norules'), RULES_DIR: empty });
    expect((await child.exited).code).toBe(1);
    const lines = child.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(empty);
    expect(child.output()).not.toContain('"msg":"listening"');
  });

  it('follows a speciale folder that is a symlink, and serves its rule sets', async () => {
    const rules = symlinkedRules();
    const check = checkRulesTree(rules);
    expect(check.problems).toEqual([]);
    expect(check.rulesets.length).toBe(checkRulesTree(RULES_DIR).rulesets.length);
    const server = await startServer({ DATA_DIR: dir('symlinked'), RULES_DIR: rules });
    const line = server.output().split('\n').find((l) => l.includes('"msg":"listening"'))!;
    expect(JSON.parse(line).specialer).toBe(new Set(check.rulesets.map((r) => r.ruleset.speciale)).size);
  });
});

describe('a rule file that is not a regular file', () => {
  it('is refused with file, pointer and code, not opened (a FIFO would hang the start), by the service and by `speciale-rules validate`', async () => {
    const rules = dir('fifo');
    for (const entry of readdirSync(RULES_DIR)) {
      const full = path.join(RULES_DIR, entry);
      if (!statSync(full).isDirectory()) copyFileSync(full, path.join(rules, entry));
      else execFileSync('cp', ['-r', full, path.join(rules, entry)]);
    }
    const speciale = readdirSync(rules).find((e) => statSync(path.join(rules, e)).isDirectory())!;
    const fifo = path.join(rules, speciale, '9.9.9.json');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(path.join(rules, speciale, 'cases'), { recursive: true });
    execFileSync('mkfifo', [path.join(rules, speciale, 'cases', 'fifo.json')]);

    const check = checkRulesTree(rules);
    expect(check.problems.filter((p) => p.code === 'not-a-file').map((p) => ({ file: p.file, pointer: p.pointer }))).toEqual([
      { file: fifo, pointer: '' },
      { file: path.join(rules, speciale, 'cases', 'fifo.json'), pointer: '' },
    ]);

    const server = spawnNode([SERVER_JS], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECHECK_INTERVAL_MINUTES: '0', DATA_DIR: dir('fifo-data'), RULES_DIR: rules });
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toContain(`${fifo}:: `);

    const cli = spawnNode([path.join(ROOT, 'bin/speciale-rules.js'), 'validate', rules], {});
    expect((await cli.exited).code).toBe(1);
    expect(cli.output()).toContain(`${fifo}: er ikke en almindelig fil`);
  });
});
