import { Command } from 'commander';
import path from 'node:path';
import { EDITOR_SCHEMA_REFERENCE } from '../../rules/editorSchema';
import { writeEditorSchema } from '../../rules/editorSchemaCheck';
import { displayPath } from '../format';

/** The part of main's command context this verb uses. */
interface SchemaContext {
  io: { cwd: string };
  out: (line?: string) => void;
  run(body: () => number | Promise<number>): Promise<void>;
}

/** `speciale-rules schema [dir]`: write the editor schema for rule files from the fact catalogue. */
export function schemaCommand(cli: SchemaContext): Command {
  return new Command('schema')
    .description(`skriv editor-skemaet (schemas/rule-file.schema.json ved siden af mappen med regelsæt) ud fra faktakataloget; regelfilerne henviser til det med "$schema": "${EDITOR_SCHEMA_REFERENCE}"`)
    .argument('[dir]', 'mappen med regelsæt', 'rules')
    .action((dir: string) =>
      cli.run(() => {
        const { file, changed } = writeEditorSchema(path.resolve(cli.io.cwd, dir));
        cli.out(changed ? `✓ skrev ${displayPath(file, cli.io.cwd)}` : `✓ ${displayPath(file, cli.io.cwd)} passer allerede til faktakataloget`);
        return 0;
      }),
    );
}
