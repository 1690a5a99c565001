/** `vmonboard render <spec> -o <dir>`: validate, then write the bundle. */
import { Command, Option } from 'commander';
import { renderSpecFile } from '../../api.js';
import { writeBundleToDir } from '../../bundle/write-dir.js';
import { CliExit, EXIT, UsageError, type CliIO } from '../io.js';
import { printReport, type ReportFormat } from '../report.js';

/** Builds the render command. */
export function renderCommand(io: CliIO): Command {
  return new Command('render')
    .description('validate a spec and write the bundle: cluster values, VM agent configs and first-boot payloads')
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .option('-o, --output <dir>', 'directory to write the bundle to')
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec)')
    .option('--strict', 'treat warnings as errors', false)
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard render examples/quickstart.yaml -o out/quickstart
  $ vmonboard render --strict spec.yaml -o bundle/`,
    )
    .action(async (spec: string, opts: { output?: string; filesDir?: string; lock?: string; strict: boolean; format: ReportFormat }) => {
      if (!opts.output) throw new UsageError('render needs -o <dir>');
      const result = await renderSpecFile(spec, {
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
      });
      const fatal = printReport(io, result.diagnostics, result.sources, { format: opts.format, strict: opts.strict, quietOk: true });
      if (fatal || !result.bundle) throw new CliExit(EXIT.invalid);
      writeBundleToDir(result.bundle, opts.output);
      io.stderr.write(`wrote ${result.bundle.size} files to ${opts.output}\n`);
    });
}
