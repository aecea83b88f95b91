import { Command } from 'commander';
import { updateLock } from '../../rules/lock';
import { count, displayPath, problemLine } from '../format';
import { resolveDir, type CliIo, type CommandContext, type Err, type Out } from '../io';

/** `speciale-rules lock [dir]`: lock the content hash of newly published versions. */
export function lockCommand(cli: CommandContext): Command {
  return new Command('lock')
    .description('skriv indholds-hashen for nyudgivne versioner i rules.lock.json (ændrer aldrig en eksisterende)')
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .action((dir: string) => cli.run(() => runLock(resolveDir(cli.io, dir), cli.io, cli.out, cli.err)));
}

function runLock(dir: string, io: CliIo, out: Out, err: Err): number {
  const result = updateLock(dir);
  const lockFile = displayPath(result.file, io.cwd);
  if (result.problems.length > 0) {
    err(`✗ ${lockFile} er ikke ændret:`);
    for (const p of result.problems) err(problemLine(p, io.cwd));
    return 1;
  }
  if (result.added.length === 0) {
    out(`✓ alle udgivne versioner er allerede låst (${count(result.locked, 'version', 'versioner')} i ${lockFile})`);
  } else {
    out(`✓ låste ${count(result.added.length, 'ny version', 'nye versioner')}: ${result.added.join(', ')} (${count(result.locked, 'version', 'versioner')} i ${lockFile})`);
  }
  return 0;
}
