/** `vmonboard init`: print (or write) a commented starter spec. */
import { existsSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
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
    .action((opts: { flavor: 'istio' | 'gloo'; output?: string; force: boolean }) => {
      const text = readAsset(`templates/init/${opts.flavor}.yaml`);
      if (!opts.output) {
        io.stdout.write(text);
        return;
      }
      if (existsSync(opts.output) && !opts.force) throw new UsageError(`${opts.output} already exists; pass --force to overwrite it`);
      writeFileSync(opts.output, text, { mode: 0o644 });
      io.stderr.write(`wrote ${opts.output}; edit it, then run: vmonboard validate ${opts.output}\n`);
    });
}
