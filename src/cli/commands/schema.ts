import { Command } from 'commander';
import { EDITOR_SCHEMA_REFERENCE } from '../../rules/editorSchema';
import { writeEditorSchema } from '../../rules/editorSchemaCheck';
import { displayPath } from '../format';
import { resolveDir, type CommandContext } from '../io';

/** `speciale-rules schema [dir]`: write the editor schema for rule files from the fact catalogue. */
export function schemaCommand(cli: CommandContext): Command {
  return new Command('schema')
    .description(`skriv editor-skemaet (schemas/rule-file.schema.json ved siden af mappen med regelsæt) ud fra faktakataloget; regelfilerne henviser til det med "$schema": "${EDITOR_SCHEMA_REFERENCE}"`)
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .action((dir: string) =>
      cli.run(() => {
        const { file, changed } = writeEditorSchema(resolveDir(cli.io, dir));
        const shown = displayPath(file, cli.io.cwd);
        cli.out(changed ? `✓ skrev ${shown}` : `✓ ${shown} passer allerede til faktakataloget`);
        return 0;
      }),
    );
}
