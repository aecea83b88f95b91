import { Command, Option } from 'commander';
import { renderHtml, renderMarkdown } from '../../rules/render';
import type { Ruleset } from '../../rules/types';
import { systemClock, today as todayOf } from '../../time/clock';
import { loadCatalogue, requireVersion, unknownSpeciale } from '../catalogue';
import { CliError, resolveDir, type CliIo, type CommandContext } from '../io';

/** `speciale-rules render <speciale> [version]`: a rule set as readable Danish text. */
export function renderCommand(cli: CommandContext): Command {
  return new Command('render')
    .description('vis et regelsæt som læsbar dansk tekst (Markdown eller HTML)')
    .argument('<speciale>', 'specialets id, fx autisme')
    .argument('[version]', 'standard: den version, der er i kraft i dag, ellers den seneste udgivne')
    .option('--dir <dir>', 'mappen med regelsæt', 'rules')
    .addOption(new Option('--format <format>', 'md eller html').choices(['md', 'html']).default('md'))
    .action((speciale: string, version: string | undefined, options: { dir: string; format: 'md' | 'html' }) =>
      cli.run(() => runRender(resolveDir(cli.io, options.dir), speciale, version, options, cli.io)),
    );
}

function runRender(dir: string, speciale: string, version: string | undefined, options: { format: 'md' | 'html' }, io: CliIo): number {
  const { check, catalogue } = loadCatalogue(dir);
  let ruleset: Ruleset | undefined;
  if (version !== undefined) ruleset = requireVersion(dir, check, catalogue, speciale, version, io);
  else {
    const date = io.today ?? todayOf(systemClock);
    ruleset = catalogue.inForceOn(speciale, date) ?? catalogue.latestPublished(speciale);
    if (!ruleset) {
      const known = catalogue.versions(speciale).map((r) => r.version);
      if (known.length === 0) throw unknownSpeciale(dir, catalogue, speciale, io);
      throw new CliError(`'${speciale}' har ingen udgivet version; angiv versionen (findes: ${known.join(', ')})`);
    }
  }
  const period = ruleset.status === 'published' ? (catalogue.inForcePeriod(speciale, ruleset.version) ?? null) : undefined;
  const text = options.format === 'html' ? renderHtml(ruleset, { inForce: period }) : renderMarkdown(ruleset, { inForce: period });
  io.stdout.write(text);
  return 0;
}
