/** `vmonboard schema`: print the JSON Schema of the spec (or of the lock file) for editors. */
import { Command, Option } from 'commander';
import { readAsset } from '../../assets.js';
import type { CliIO } from '../io.js';

/** Builds the schema command. */
export function schemaCommand(io: CliIO): Command {
  return new Command('schema')
    .description('print the JSON Schema of the onboarding spec (or of the lock file) to stdout')
    .addOption(new Option('--for <document>', 'which schema').choices(['spec', 'lock']).default('spec'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard schema > onboarding.schema.json
  $ vmonboard schema --for lock > lock.schema.json

Editors: start a spec with "# yaml-language-server: $schema=<path to the schema>".`,
    )
    .action((opts: { for: 'spec' | 'lock' }) => {
      io.stdout.write(readAsset(opts.for === 'spec' ? 'schemas/v1alpha1/onboarding.schema.json' : 'schemas/lock-v1/lock.schema.json'));
    });
}
