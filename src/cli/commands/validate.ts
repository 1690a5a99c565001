/** `vmonboard validate <spec>`: check a spec and its lock file; writes nothing. */
import { Command, Option } from 'commander';
import { validateSpecFile } from '../../api.js';
import { CliExit, EXIT, EXIT_CODES_HELP, type CliIO } from '../io.js';
import { printReport, type ReportFormat } from '../report.js';

/** Builds the validate command. */
export function validateCommand(io: CliIO): Command {
  return new Command('validate')
    .description('check an onboarding spec (schema, cross-field rules, referenced files, lock file pins)')
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec; for a spec on stdin, vmonboard.lock.yaml in the current directory)')
    .option('--strict', 'treat warnings as errors', false)
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard validate examples/quickstart.yaml
  $ vmonboard validate --strict --format json spec.yaml > report.json
  $ cat spec.yaml | vmonboard validate --files-dir ./files -

${EXIT_CODES_HELP}`,
    )
    .action(async (spec: string, opts: { filesDir?: string; lock?: string; strict: boolean; format: ReportFormat }) => {
      const result = await validateSpecFile(spec, {
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
      });
      const fatal = printReport(io, result.diagnostics, result.sources, { format: opts.format, strict: opts.strict, skippedRules: result.skippedRules ?? [] });
      if (opts.format === 'text' && !fatal) io.stderr.write(`${spec}: valid\n`);
      if (fatal) throw new CliExit(EXIT.invalid);
    });
}
