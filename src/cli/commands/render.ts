/**
 * `vmonboard render <spec> -o <dir> | --archive <file>`: validate, then write the bundle
 * atomically, or an archive; `--check` compares with the committed bundle and writes nothing.
 */
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { renderSpecFile } from '../../api.js';
import { archiveFormatFor, bundleArchiveFiles, readBackFiles, streamArchive, type ArchiveFile, type ArchiveFormat } from '../../bundle/archive.js';
import type { Bundle, WrittenFile } from '../../bundle/bundle.js';
import type { OpenBundleDir } from '../../bundle/write-dir.js';
import type { ScratchTree } from '../../bundle/scratch-tree.js';
import type { DriftCheck } from '../../bundle/check.js';
import { lockPathFor } from '../../spec/lock.js';
import { CliExit, EXIT, EXIT_CODES_HELP, UsageError, type CliIO } from '../io.js';
import { refuseBinaryToTerminal } from '../pipes.js';
import { printReport, type ReportFormat } from '../report.js';
import { createRenderProgress } from '../render-progress.js';

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
  wait: string;
}

/** Rejects option combinations that cannot mean anything. */
function checkOptions(opts: RenderOptions): void {
  if (!opts.output && !opts.archive) throw new UsageError('render needs -o <dir> or --archive <file>');
  if (opts.check && (opts.archive || opts.force)) throw new UsageError('--check only reads the bundle at -o <dir>; it cannot be combined with --archive or --force');
  if (!/^\d{1,5}$/.test(opts.wait)) throw new UsageError(`--wait takes a whole number of seconds, not ${JSON.stringify(opts.wait)}`);
  if (opts.check && !opts.output) throw new UsageError('--check needs -o <dir>: the committed bundle to compare with');
  if (opts.archive === '-' && opts.format === 'json' && !opts.check) throw new UsageError('--archive - writes the archive to stdout, so the report cannot go there too; drop --format json');
  if (opts.archive && opts.archive !== '-' && !opts.archiveFormat && !archiveFormatFor(opts.archive)) {
    throw new UsageError(`cannot tell the archive format from ${JSON.stringify(opts.archive)}; name it .tar.gz, .tgz or .zip, or pass --archive-format`);
  }
}

/** The run's own inputs, which `--force` must never replace (output-guard.ts). */
function protectedInputs(spec: string, opts: RenderOptions): Array<{ what: string; path: string }> {
  if (spec === '-') return [...(opts.lock ? [{ what: 'the lock file', path: opts.lock }] : []), ...(opts.filesDir ? [{ what: '--files-dir', path: opts.filesDir }] : [])];
  return [
    { what: 'the spec', path: spec },
    { what: 'the lock file', path: opts.lock ?? lockPathFor(spec) },
    { what: '--files-dir', path: opts.filesDir ?? dirname(spec) },
  ];
}

/**
 * Reports a failure to write -o the way every render path does: a target vmonboard may not
 * replace is a usage error; anything else says the directory still holds what it held.
 */
async function refuseDirWrite(io: CliIO, err: unknown, output: string): Promise<never> {
  const w = await import('../../bundle/write-dir.js');
  if (err instanceof w.NotABundleError || err instanceof w.ProtectedTargetError) throw new UsageError(err.message);
  const why = err instanceof w.DirLockError || err instanceof w.KeptEntryConflictError ? err.message : `could not write the bundle to ${output}: ${(err as Error).message}`;
  io.stderr.write(`error: ${why}\n${output} still holds what it held before.\n`);
  throw new CliExit(EXIT.invalid);
}

/** Options of the -o directory writer. */
function dirOptions(spec: string, opts: RenderOptions) {
  return { force: opts.force, protect: protectedInputs(spec, opts), lockWaitSeconds: Number(opts.wait) };
}

/**
 * What a render writes: its bundle and, when it streamed, its written files' manifest entries.
 * Held here only, so the archive step can let go of both once it has listed them.
 */
interface RenderOutputs {
  bundle?: Bundle;
  written?: ReadonlyMap<string, WrittenFile>;
}

async function writeOutputs(io: CliIO, spec: string, outputs: RenderOutputs, opts: RenderOptions, openDir?: OpenBundleDir, scratch?: ScratchTree): Promise<void> {
  // The writers load only when a bundle is written: `--help` and a failed validation never pay for them.
  const w = await import('../../bundle/write-dir.js');
  if (opts.output) {
    // Not held past the listing below (its MANIFEST.json alone is 76 MB at 5,000 × 4).
    let bundle: Bundle | undefined = outputs.bundle!;
    let written;
    let release: (() => Promise<void>) | undefined;
    try {
      // A streaming render opened the directory before it rendered; otherwise it opens now. With
      // --archive too, the directory stays locked until its archive is made from it (below).
      const dir = openDir ?? (await w.openBundleDir(opts.output, dirOptions(spec, opts)));
      if (opts.archive) ({ release, ...written } = await dir.commitHeld(bundle, outputs.written));
      else written = await dir.commit(bundle, outputs.written);
    } catch (err) {
      return refuseDirWrite(io, err, opts.output);
    }
    try {
      const { formatKept } = await import('../../bundle/keep-entries.js');
      if (written.kept.length > 0) io.stderr.write(`note: ${formatKept(opts.output, written.kept)}\n`);
      for (const line of written.recovered) io.stderr.write(`note: ${line}\n`);
      for (const line of written.warnings) io.stderr.write(`warning: ${line}\n`);
      io.stderr.write(`wrote ${written.files} files to ${opts.output}\n`);
      if (opts.archive) {
        // The archive holds what the directory now does: its files are read back from there one by
        // one (never through a link), under the lock, so no other render replaces them meanwhile and
        // the bundle is never in memory whole (1.9 GB at 5,000 × 4 when it was).
        const { readListedFile } = await import('../../bundle/read-dir.js');
        const root = resolve(opts.output);
        const files = readBackFiles(bundle, outputs.written, { read: (path) => readListedFile(root, path) });
        bundle = undefined;
        delete outputs.bundle;
        delete outputs.written;
        await writeArchive(io, files, opts);
      }
    } finally {
      await release?.();
    }
    return;
  }
  if (opts.archive) {
    // A streamed render's files are in the scratch tree, read back one by one in path order. A
    // bundle rendered on the main thread (a small spec) is all in memory: nothing to read back.
    const streamed = scratch && outputs.written && outputs.written.size > 0 ? scratch : undefined;
    const files: ArchiveFile[] = streamed ? streamed.finish(outputs.bundle!, outputs.written) : bundleArchiveFiles(outputs.bundle!);
    if (streamed) {
      // Every file is in the scratch tree now and listed: the bundle (its MANIFEST.json is 76 MB
      // at 5,000 × 4) and the manifest's entries are not needed while the archive reads it back.
      delete outputs.bundle;
      delete outputs.written;
    }
    await writeArchive(io, files, opts);
  }
}

/** Writes the archive of `files` to the --archive file (atomically) or to stdout, as it is made. */
async function writeArchive(io: CliIO, files: readonly ArchiveFile[], opts: RenderOptions): Promise<void> {
  // streamArchive imports archiver lazily: only archive runs pay its load time.
  const format = opts.archiveFormat ?? (opts.archive === '-' ? 'tar.gz' : archiveFormatFor(opts.archive!)!);
  if (opts.archive === '-') {
    // To stdout as it comes out of gzip, waiting whenever the stream's buffer is full, so a slow
    // reader never makes the archive pile up in memory. A reader that goes away ends the run
    // quietly (pipes.ts).
    const { stdout } = io;
    await streamArchive(files, format, (chunk) => {
      if (stdout.write(chunk) === false && stdout.once) return new Promise<void>((go) => stdout.once!('drain', go));
      return undefined;
    });
    return;
  }
  const { writeFileAtomicFrom } = await import('../../bundle/write-dir.js');
  let size = 0;
  try {
    // Straight from gzip into the file: a fleet's archive is hundreds of megabytes.
    await writeFileAtomicFrom(opts.archive!, async (write) => {
      size = await streamArchive(files, format, write);
    });
  } catch (err) {
    // Disk full, no permission: the archive's temp file is gone and the file is as it was.
    const kept = opts.output ? `${opts.output} was written; only the archive is missing.` : 'Nothing was written.';
    io.stderr.write(`error: could not write the archive ${opts.archive}: ${(err as Error).message}\n${kept}\n`);
    throw new CliExit(EXIT.invalid);
  }
  io.stderr.write(`wrote ${format} archive ${opts.archive} (${files.length} files, ${size} bytes)\n`);
}

/**
 * `--check`: compares the rendered bundle with the directory; exit 4 on drift. A streaming render
 * already compared the files it streamed (`streamed`); the rest are compared here.
 */
async function checkBundle(io: CliIO, result: { bundle: Bundle; written?: ReadonlyMap<string, WrittenFile> }, dir: string, format: ReportFormat, spec: string, streamed?: DriftCheck): Promise<void> {
  const { bundle, written } = result;
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) {
    io.stderr.write(`${dir} does not exist: there is no bundle to compare with; render it with \`vmonboard render ${spec} -o ${dir}\` and commit it\n`);
    if (format === 'json') io.stdout.write(`${JSON.stringify({ upToDate: false, dir, missing: true, added: [], removed: [], changed: [] }, null, 2)}\n`);
    throw new CliExit(EXIT.outOfDate);
  }
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a directory; --check -o names the directory of the committed bundle`);
  const { compareBundleWithDir, formatDrift, formatDriftJson, isUpToDate } = await import('../../bundle/check.js');
  const drift = streamed ? streamed.finish(bundle, written) : compareBundleWithDir(bundle, dir, { unified: format === 'json' });
  if (format === 'json') io.stdout.write(formatDriftJson(drift, dir));
  if (!isUpToDate(drift)) {
    io.stderr.write(formatDrift(drift, dir));
    throw new CliExit(EXIT.outOfDate);
  }
  io.stderr.write(`${dir} is up to date (${bundle.size + (written?.size ?? 0)} files)\n`);
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
    .option('--force', 'replace -o even when it is not a vmonboard bundle (never the spec, its lock, --files-dir, the current directory, $HOME or /)', false)
    .option('--wait <seconds>', 'how long to wait for another render to the same -o to finish', '60')
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec; for a spec on stdin, vmonboard.lock.yaml in the current directory)')
    .option('--strict', 'treat warnings as errors', false)
    .addOption(new Option('--format <format>', 'report format; with --check, json also prints the drift (every added, removed and changed file with its unified diff) to stdout').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard render examples/quickstart.yaml -o out/quickstart
  $ vmonboard render --check spec.yaml -o bundle/
  $ vmonboard render spec.yaml --archive bundle.tar.gz
  $ vmonboard render spec.yaml --archive - --archive-format zip > bundle.zip
  $ vmonboard render --check --format json spec.yaml -o bundle/ > drift.json

On a terminal, renders of more than 100 VMs show progress on stderr. NO_COLOR turns colours off,
FORCE_COLOR on.

${EXIT_CODES_HELP}`,
    )
    .action(async (spec: string, opts: RenderOptions) => {
      checkOptions(opts);
      // Known before a fleet renders for a minute, not after; a failed write, like the others (exit 1).
      const archiveDir = opts.archive && opts.archive !== '-' ? dirname(resolve(opts.archive)) : undefined;
      if (archiveDir && !statSync(archiveDir, { throwIfNoEntry: false })?.isDirectory()) {
        io.stderr.write(`error: could not write the archive ${opts.archive}: its directory ${archiveDir} does not exist; create it first\nNothing was written.\n`);
        throw new CliExit(EXIT.invalid);
      }
      if (opts.archive === '-') refuseBinaryToTerminal(io.stdoutIsTTY, 'the archive', 'redirect it (--archive - > bundle.tar.gz) or pipe it (--archive - | tar -tz), or name a file: --archive bundle.tar.gz');
      const progress = createRenderProgress((t) => io.stderr.write(t), io.isTTY);
      // `render -o` streams: the directory is opened (locked, judged, a temp tree made) once the
      // spec is valid, and a fleet's VM files go there as they are rendered instead of being held
      // in memory; with --archive too, the archive is then made from the directory. `--archive`
      // alone streams them to a scratch tree beside the archive (scratch-tree.ts) and reads them
      // back to build it.
      const streaming = Boolean(opts.output && !opts.check);
      const archiveStreams = Boolean(opts.archive && !opts.output && !opts.check);
      // `--check` of an existing directory streams too: each file is compared as it is rendered.
      const checkStreams = Boolean(opts.check && statSync(opts.output!, { throwIfNoEntry: false })?.isDirectory());
      let openDir: OpenBundleDir | undefined;
      let scratch: ScratchTree | undefined;
      let driftCheck: DriftCheck | undefined;
      let committed = false;
      // The committed bundle is listed on another thread while the spec validates (list-tree-background.ts).
      const listing = checkStreams ? (await import('../../bundle/list-tree-background.js')).listTreeInBackground(opts.output!) : undefined;
      try {
        let result;
        try {
          result = await renderSpecFile(spec, {
            ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
            ...(opts.lock ? { lockFile: opts.lock } : {}),
            ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
            ...(progress ? { onProgress: progress.update } : {}),
            ...(streaming ? { openSink: async () => (openDir = await (await import('../../bundle/write-dir.js')).openBundleDir(opts.output!, dirOptions(spec, opts))) } : {}),
            ...(archiveStreams ? { openSink: async () => (scratch = (await import('../../bundle/scratch-tree.js')).openScratchTree(opts.archive!, tmpdir())) } : {}),
            ...(checkStreams ? { openSink: async () => (driftCheck = (await import('../../bundle/check.js')).openDriftCheck(opts.output!, { unified: opts.format === 'json' }, await listing!.result())) } : {}),
          });
        } finally {
          progress?.finish();
        }
        // With --check --format json, stdout carries the drift report; the findings go to stderr.
        const reportFormat = opts.check ? 'text' : opts.format;
        const fatal = printReport(io, result.diagnostics, result.sources, { format: reportFormat, strict: opts.strict, quietOk: true, skippedRules: result.skippedRules ?? [] });
        if (result.sinkError !== undefined) {
          // --check reads only: what stopped it (an unreadable directory) is reported as it was before streaming.
          if (opts.check) throw result.sinkError;
          if (archiveStreams) {
            io.stderr.write(`error: could not write the archive ${opts.archive}: no scratch directory for its files (${(result.sinkError as Error).message})\nNothing was written.\n`);
            throw new CliExit(EXIT.invalid);
          }
          await refuseDirWrite(io, result.sinkError, opts.output!);
        }
        if (fatal || !result.bundle) throw new CliExit(EXIT.invalid);
        if (opts.check) {
          await checkBundle(io, { bundle: result.bundle, ...(result.written ? { written: result.written } : {}) }, opts.output!, opts.format, spec, driftCheck);
          return;
        }
        committed = true; // commit releases the directory whether it succeeds or not
        const outputs: RenderOutputs = { bundle: result.bundle, ...(result.written ? { written: result.written } : {}) };
        // The outputs are all that is left to use: the model, the spec's text and the findings go now.
        result = undefined;
        await writeOutputs(io, spec, outputs, opts, openDir, scratch);
      } finally {
        // Anything that stopped the render before commit (invalid spec, a fatal finding, a crash)
        // removes the temp tree: no partial output, and the target holds what it held.
        if (openDir && !committed) await openDir.abort();
        // The archive's scratch tree goes whatever happened: written, refused or failed.
        scratch?.remove();
        await listing?.cancel();
      }
    });
}
