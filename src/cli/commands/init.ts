/** `vmonboard init`: print (or write) a commented starter spec. */
import { lstatSync } from 'node:fs';
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
import { writeFileAtomic, writeNewFile } from '../../bundle/safe-file.js';
import { UsageError, type CliIO } from '../io.js';

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
Examples:
  $ vmonboard init > spec.yaml
  $ vmonboard init --flavor gloo -o gloo.yaml`,
    )
    .action(async (opts: { flavor: 'istio' | 'gloo'; output?: string; force: boolean }) => {
      const text = readAsset(`templates/init/${opts.flavor}.yaml`);
      if (!opts.output) {
        io.stdout.write(text);
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
      io.stderr.write(`wrote ${opts.output}; edit it, then run: vmonboard validate ${opts.output}\n`);
    });
}
