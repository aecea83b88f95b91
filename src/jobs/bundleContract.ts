import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { projectRoot } from '../contract/projectRoot';
import { BUNDLE_COMMAND, regeneratedContract, SCHEMA_SOURCES } from '../contract/generatedSchemas';
import { parseJobArguments } from './commandLine';

/**
 * `npm run contract:bundle`: rewrites the generated part of openapi.yaml (Evidence, Ruleset and their
 * hoisted `$defs` under components/schemas) from schemas/*.json; everything else in the file stays as
 * written. `-- --check` changes nothing and exits 1 when the file is stale (for CI).
 */

export interface BundleIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export function runBundleContract(argv: string[], io: BundleIo = { stdout: process.stdout, stderr: process.stderr }, root = projectRoot()): number {
  const sources = SCHEMA_SOURCES.map((s) => s.file).join(', ');
  const program = new Command('contract:bundle')
    .usage('[--check]')
    .description(`Skriver openapi.yaml's genererede components/schemas (Evidence, Ruleset og deres $defs) ud fra ${sources}.`)
    .option('--check', 'skriv intet; afslut med 1, hvis openapi.yaml ikke svarer til skemaerne')
    .helpOption('-h, --help', 'vis denne hjælp');
  const parsed = parseJobArguments(program, argv, { out: (t) => io.stdout.write(t), err: (t) => io.stderr.write(t) });
  if (typeof parsed === 'number') return parsed;
  const { file, current, regenerated } = regeneratedContract(root);
  if (regenerated === current) {
    io.stdout.write(`${file}: de genererede skemaer svarer til ${sources}\n`);
    return 0;
  }
  if (parsed.opts<{ check?: boolean }>().check) {
    io.stderr.write(`${file}: de genererede skemaer svarer ikke til ${sources}; kør \`${BUNDLE_COMMAND}\`\n`);
    return 1;
  }
  writeFileSync(file, regenerated);
  io.stdout.write(`${file}: de genererede skemaer er skrevet ud fra ${sources}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = runBundleContract(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
