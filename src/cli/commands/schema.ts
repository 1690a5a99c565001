/** `vmonboard schema`: print (or write) the JSON Schema of the spec (or of the lock file) for editors. */
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
import type { CliIO } from '../io.js';
import { writeOwnedFile } from '../write-owned-file.js';

/** The file name the init templates' yaml-language-server modeline names, relative to the spec. */
export const EDITOR_SCHEMA_FILE = 'vmonboard.schema.json';

/** The schema text of a document kind. */
export function schemaText(kind: 'spec' | 'lock'): string {
  return readAsset(kind === 'spec' ? 'schemas/v1alpha1/onboarding.schema.json' : 'schemas/lock-v1/lock.schema.json');
}

/** Builds the schema command. */
export function schemaCommand(io: CliIO): Command {
  return new Command('schema')
    .description('print the JSON Schema of the onboarding spec (or of the lock file) to stdout, or write it with -o')
    .addOption(new Option('--for <document>', 'which schema').choices(['spec', 'lock']).default('spec'))
    .option('-o, --output <file>', 'write the schema to this file instead of stdout')
    .option('--force', 'overwrite a different existing file', false)
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard schema -o vmonboard.schema.json
  $ vmonboard schema --for lock > lock.schema.json

Editors: a spec written by \`vmonboard init\` starts with
  # yaml-language-server: $schema=${EDITOR_SCHEMA_FILE}
a path relative to the spec, so write the schema beside it (vmonboard schema -o ${EDITOR_SCHEMA_FILE}).`,
    )
    .action(async (opts: { for: 'spec' | 'lock'; output?: string; force: boolean }) => {
      const text = schemaText(opts.for);
      if (!opts.output) {
        io.stdout.write(text);
        return;
      }
      await writeOwnedFile(opts.output, text, opts.force);
      io.stderr.write(`wrote ${opts.output}\n`);
    });
}
