import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { renderHtml, renderMarkdown, STATUS_WORDS } from '../../rules/render';
import { compareVersions, isSemver } from '../../rules/semver';
import type { Ruleset } from '../../rules/types';
import { loadCatalogue, requireVersion, unknownSpeciale } from '../catalogue';
import { resolveDir, type CliIo, type CommandContext } from '../io';


/** `speciale-rules render <speciale> [version]`: a rule set as readable Danish text. */
export function renderCommand(cli: CommandContext): Command {
  return new Command('render')
    .description('vis et regelsæt som læsbar dansk tekst (Markdown eller HTML)')
    .argument('<speciale>', 'specialets id, fx autisme')
    .argument('[version]', 'standard: den nyeste version, også et udkast')
    .option('--dir <dir>', 'mappen med regelsæt', 'rules')
    .addOption(new Option('--format <format>', 'md eller html').choices(['md', 'html']).default('md'))
    .action((speciale: string, version: string | undefined, options: { dir: string; format: 'md' | 'html' }) =>
      cli.run(() => runRender(resolveDir(cli.io, options.dir), speciale, version, options, cli.io)),
    );
}

function runRender(dir: string, speciale: string, version: string | undefined, options: { format: 'md' | 'html' }, io: CliIo): number {
  const { check, catalogue } = loadCatalogue(dir);
  let ruleset: Ruleset;
  if (version !== undefined) ruleset = requireVersion(dir, check, catalogue, speciale, version, io);
  else {
    // The newest version written, draft included: an author renders what they just wrote. A newest file
    // with problems is refused with them rather than silently passed over for an older version.
    const newest = versionFiles(dir, speciale).at(-1);
    if (newest === undefined) throw unknownSpeciale(dir, catalogue, speciale, io);
    ruleset = requireVersion(dir, check, catalogue, speciale, newest, io);
    const others = catalogue.versions(speciale).filter((r) => r.version !== ruleset.version).map((r) => r.version);
    io.stderr.write(
      `viser ${speciale} ${ruleset.version} (${STATUS_WORDS[ruleset.status]}), den nyeste version${others.length ? `; angiv en version for en anden (findes også: ${others.join(', ')})` : ''}\n`,
    );
  }
  const period = ruleset.status === 'published' ? (catalogue.inForcePeriod(speciale, ruleset.version) ?? null) : undefined;
  const text = options.format === 'html' ? renderHtml(ruleset, { inForce: period }) : renderMarkdown(ruleset, { inForce: period });
  io.stdout.write(text);
  return 0;
}

/** The versions of a speciale that have a file, valid or not, lowest first. */
function versionFiles(dir: string, speciale: string): string[] {
  const folder = path.join(dir, speciale);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json') && isSemver(name.slice(0, -'.json'.length)))
    .map((name) => name.slice(0, -'.json'.length))
    .sort(compareVersions);
}
