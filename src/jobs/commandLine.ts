import { Command, CommanderError } from 'commander';

/**
 * A job's command line (`npm run <job> -- …`), parsed by commander as the speciale-rules CLI is: help
 * and errors written to the given streams, never an exit inside. Returns the parsed command, or the exit
 * code when there is nothing to run: 0 after --help, 2 for wrong usage (commander has written why).
 */
export function parseJobArguments(
  program: Command,
  argv: string[],
  output: { out: (text: string) => unknown; err: (text: string) => unknown },
): Command | number {
  program.exitOverride().configureOutput({ writeOut: output.out, writeErr: output.err });
  try {
    return program.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
}
