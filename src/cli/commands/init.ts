/** `vmonboard init`: print (or write) a commented starter spec. */
import { existsSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
import { writeFileAtomic, writeNewFile } from '../../bundle/safe-file.js';
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
    .action(async (opts: { flavor: 'istio' | 'gloo'; output?: string; force: boolean }) => {
      const text = readAsset(`templates/init/${opts.flavor}.yaml`);
      if (!opts.output) {
        io.stdout.write(text);
        io.stderr.write(`for editor completion, write the schema beside the spec: vmonboard schema -o ${EDITOR_SCHEMA_FILE}\n`);
        return;
      }
      // A new file is created O_EXCL|O_NOFOLLOW; --force replaces one by rename, never writing through a symlink.
      const present = (() => {
        try {
          return lstatSync(opts.output).isSymbolicLink() ? 'a symbolic link' : 'a file';
        } catch {
          return undefined;
        }
      })();
      if (present && !opts.force) throw new UsageError(`${opts.output} already exists (${present}); pass --force to replace it`);
      if (present) await writeFileAtomic(opts.output, text);
      else await writeNewFile(opts.output, text);
      // The modeline's relative path resolves against the spec's directory (yaml-language-server README).
      const schemaFile = join(dirname(opts.output), EDITOR_SCHEMA_FILE);
      const wroteSchema = !existsSync(schemaFile);
      if (wroteSchema) await writeNewFile(schemaFile, schemaText('spec'));
      io.stderr.write(`wrote ${opts.output}${wroteSchema ? ` and ${schemaFile}` : ''}; edit it, then run: vmonboard validate ${opts.output}\n`);
    });
}
