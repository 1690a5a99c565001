/**
 * `vmonboard render <spec> -o <dir> | --archive <file>`: validate, then write the bundle
 * atomically, or an archive; `--check` compares with the committed bundle and writes nothing.
 */
import { Command, Option } from 'commander';
import { renderSpecFile } from '../../api.js';
import { archiveFormatFor, buildBundleArchive, type ArchiveFormat } from '../../bundle/archive.js';
import type { Bundle } from '../../bundle/bundle.js';
import { CliExit, EXIT, UsageError, type CliIO } from '../io.js';
import { printReport, type ReportFormat } from '../report.js';

interface RenderOptions {
  output?: string;
  archive?: string;
  archiveFormat?: ArchiveFormat;
  check: boolean;
  force: boolean;
  filesDir?: string;
  lock?: string;
  strict: boolean;
  format: ReportFormat;
}

/** Rejects option combinations that cannot mean anything. */
function checkOptions(opts: RenderOptions): void {
  if (!opts.output && !opts.archive) throw new UsageError('render needs -o <dir> or --archive <file>');
  if (opts.check && (opts.archive || opts.force)) throw new UsageError('--check only reads the bundle at -o <dir>; it cannot be combined with --archive or --force');
  if (opts.check && !opts.output) throw new UsageError('--check needs -o <dir>: the committed bundle to compare with');
  if (opts.archive === '-' && opts.format === 'json') throw new UsageError('--archive - writes the archive to stdout, so the report cannot go there too; drop --format json');
  if (opts.archive && opts.archive !== '-' && !opts.archiveFormat && !archiveFormatFor(opts.archive)) {
    throw new UsageError(`cannot tell the archive format from ${JSON.stringify(opts.archive)}; name it .tar.gz, .tgz or .zip, or pass --archive-format`);
  }
}

async function writeOutputs(io: CliIO, bundle: Bundle, opts: RenderOptions): Promise<void> {
  // The writers load only when a bundle is written: `--help` and a failed validation never pay for them.
  const { NotABundleError, writeBundleToDir, writeFileAtomic } = await import('../../bundle/write-dir.js');
  if (opts.output) {
    let result;
    try {
      result = await writeBundleToDir(bundle, opts.output, { force: opts.force });
    } catch (err) {
      if (err instanceof NotABundleError) throw new UsageError(err.message);
      io.stderr.write(`error: could not write the bundle to ${opts.output}: ${(err as Error).message}\n${opts.output} still holds what it held before.\n`);
      throw new CliExit(EXIT.invalid);
    }
    for (const line of result.recovered) io.stderr.write(`note: ${line}\n`);
    for (const line of result.warnings) io.stderr.write(`warning: ${line}\n`);
    io.stderr.write(`wrote ${result.files} files to ${opts.output}\n`);
  }
  if (opts.archive) {
    // buildBundleArchive imports archiver lazily: only archive runs pay its load time.
    const format = opts.archiveFormat ?? (opts.archive === '-' ? 'tar.gz' : archiveFormatFor(opts.archive)!);
    const data = await buildBundleArchive(bundle, format);
    if (opts.archive === '-') io.stdout.write(data);
    else {
      await writeFileAtomic(opts.archive, data);
      io.stderr.write(`wrote ${format} archive ${opts.archive} (${bundle.size} files, ${data.length} bytes)\n`);
    }
  }
}

/** Builds the render command. */
export function renderCommand(io: CliIO): Command {
  return new Command('render')
    .description('validate a spec and write the bundle: cluster values, VM agent configs, first-boot payloads, README and MANIFEST')
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .option('-o, --output <dir>', 'directory to write the bundle to (replaced atomically)')
    .option('--archive <file>', 'also (or instead) write a .tar.gz or .zip archive; - writes it to stdout')
    .addOption(new Option('--archive-format <format>', 'archive format (default: from the file name; tar.gz for -)').choices(['tar.gz', 'zip']))
    .option('--check', 'write nothing; exit 4 when the bundle at -o differs from what the spec renders', false)
    .option('--force', 'replace -o even when it is not a vmonboard bundle', false)
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec)')
    .option('--strict', 'treat warnings as errors', false)
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard render examples/quickstart.yaml -o out/quickstart
  $ vmonboard render --check spec.yaml -o bundle/
  $ vmonboard render spec.yaml --archive bundle.tar.gz
  $ vmonboard render spec.yaml --archive - --archive-format zip > bundle.zip

Exit codes: 0 ok, 1 invalid spec or failed write, 2 usage error, 3 internal error,
4 (--check) the bundle at -o is out of date.`,
    )
    .action(async (spec: string, opts: RenderOptions) => {
      checkOptions(opts);
      const result = await renderSpecFile(spec, {
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
      });
      const fatal = printReport(io, result.diagnostics, result.sources, { format: opts.format, strict: opts.strict, quietOk: true, skippedRules: result.skippedRules ?? [] });
      if (fatal || !result.bundle) throw new CliExit(EXIT.invalid);
      if (opts.check) {
        const { compareBundleWithDir, formatDrift, isUpToDate } = await import('../../bundle/check.js');
        const drift = compareBundleWithDir(result.bundle, opts.output!);
        if (!isUpToDate(drift)) {
          io.stderr.write(formatDrift(drift, opts.output!));
          throw new CliExit(EXIT.outOfDate);
        }
        io.stderr.write(`${opts.output} is up to date (${result.bundle.size} files)\n`);
        return;
      }
      await writeOutputs(io, result.bundle, opts);
    });
}
