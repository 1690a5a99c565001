/** `vmonboard init`: print (or write) a commented starter spec. */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
import { UsageError, type CliIO } from '../io.js';
import { EDITOR_SCHEMA_FILE, schemaText } from './schema.js';

/** Builds the init command. */
export function initCommand(io: CliIO): Command {
  return new Command('init')
    .description('print a commented starter spec (to stdout, or to a file with -o)')
    .addOption(new Option('--flavor <flavor>', 'mesh flavor').choices(['istio', 'gloo']).default('istio'))
    .option('-o, --output <file>', 'write the spec to this file instead of stdout')
    .option('--force', 'overwrite an existing file', false)
    .addHelpText(
      'after',
      `
The spec starts with a yaml-language-server modeline naming ${EDITOR_SCHEMA_FILE} beside it;
-o also writes that schema file there when it does not exist yet.

Examples:
  $ vmonboard init -o spec.yaml
  $ vmonboard init --flavor gloo > gloo.yaml && vmonboard schema -o ${EDITOR_SCHEMA_FILE}`,
    )
    .action((opts: { flavor: 'istio' | 'gloo'; output?: string; force: boolean }) => {
      const text = readAsset(`templates/init/${opts.flavor}.yaml`);
      if (!opts.output) {
        io.stdout.write(text);
        io.stderr.write(`for editor completion, write the schema beside the spec: vmonboard schema -o ${EDITOR_SCHEMA_FILE}\n`);
        return;
      }
      if (existsSync(opts.output) && !opts.force) throw new UsageError(`${opts.output} already exists; pass --force to overwrite it`);
      writeFileSync(opts.output, text, { mode: 0o644 });
      // The modeline's relative path resolves against the spec's directory (yaml-language-server README).
      const schemaFile = join(dirname(opts.output), EDITOR_SCHEMA_FILE);
      const wroteSchema = !existsSync(schemaFile);
      if (wroteSchema) writeFileSync(schemaFile, schemaText('spec'), { mode: 0o644 });
      io.stderr.write(`wrote ${opts.output}${wroteSchema ? ` and ${schemaFile}` : ''}; edit it, then run: vmonboard validate ${opts.output}\n`);
    });
}
