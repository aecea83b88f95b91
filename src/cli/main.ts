import { Command, CommanderError } from 'commander';
import { diffCommand } from './commands/diff';
import { impactCommand } from './commands/impact';
import { lockCommand } from './commands/lock';
import { renderCommand } from './commands/render';
import { replayCommand } from './commands/replay';
import { schemaCommand } from './commands/schema';
import { testCommand } from './commands/test';
import { validateCommand } from './commands/validate';
import { oneLine } from './format';
import { CliError, defaultIo, PROGRAM, type CliIo, type CommandContext } from './io';

export { CliError, type CliIo } from './io';

/** The verbs, in the order `--help` lists them; each lives in commands/<verb>.ts. */
const COMMANDS: ((cli: CommandContext) => Command)[] = [validateCommand, testCommand, diffCommand, renderCommand, lockCommand, impactCommand, replayCommand, schemaCommand];

/**
 * The `speciale-rules` CLI. Returns the exit code: 0 success, 1 problems found or a failed command,
 * 2 wrong usage. Never throws: every error becomes one message on stderr.
 */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let exitCode = 0;
  const cli: CommandContext = {
    io,
    out: (line = '') => io.stdout.write(`${line}\n`),
    err,
    run: async (body) => {
      exitCode = await body();
    },
  };

  const program = new Command(PROGRAM)
    .description('Kontrollér, test, sammenlign og vis regelsæt for specialer (rules/<speciale>/<version>.json).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(`(se '${PROGRAM} --help')`)
    .addHelpText('after', '\nAfslutningskoder: 0 alt er i orden, 1 der er fundet problemer (eller en kommando fejlede), 2 forkert brug.');
  for (const make of COMMANDS) program.addCommand(make(cli).copyInheritedSettings(program));

  try {
    await program.parseAsync(argv, { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
      return 2; // commander has already written the message
    }
    if (error instanceof CliError) {
      err(`${PROGRAM}: ${error.message}`);
      return error.exitCode;
    }
    err(`${PROGRAM}: uventet fejl: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}
