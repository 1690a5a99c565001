/** `vmonboard pin <spec>`: download every artifact, record sha256 pins in the lock file. */
import { Command } from 'commander';
import { CliExit, EXIT, EXIT_CODES_HELP, type CliIO } from '../io.js';
import { printReport } from '../report.js';

interface PinCommandOptions {
  verify: boolean;
  fromDir?: string;
  fullDownload: boolean;
  filesDir?: string;
  lock?: string;
  strict: boolean;
}

/** Builds the pin command. */
export function pinCommand(io: CliIO): Command {
  return new Command('pin')
    .description("download every artifact the spec's targets need and write their sha256 to the lock file")
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .option('--verify', 'download every artifact again and compare with the lock file; write nothing', false)
    .option('--from-dir <dir>', 'hash copies already on disk (an air-gapped mirror): <dir>/<component>/<version>/<file> or <dir>/<file>; download nothing')
    .option('--full-download', 'download and hash every artifact, even where upstream publishes its checksum', false)
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec; for a spec on stdin, vmonboard.lock.yaml in the current directory)')
    .option('--strict', 'treat warnings as errors', false)
    .addHelpText(
      'after',
      `
Artifacts come from the spec's mirror (trusting its mirrorCA) or the URLs it resolves, for
every package format and arch its platforms target. Where the upstream project publishes a
checksum beside the artifact (SPIRE, otelcol-contrib, Istio), pin reads it instead of
downloading the artifact; --verify always downloads. Progress goes to stderr.

Examples:
  $ vmonboard pin examples/quickstart.yaml          # writes examples/quickstart.lock.yaml
  $ vmonboard pin --verify examples/quickstart.yaml # exit 1 if any artifact changed

Downloads honour HTTPS_PROXY / https_proxy, HTTP_PROXY and NO_PROXY.

${EXIT_CODES_HELP}`,
    )
    .action(async (spec: string, opts: PinCommandOptions) => {
      // Loaded only by pin: the downloader brings node:https and friends.
      const [{ pinSpecFile }, { createPinProgress }, { closeDownloads }] = await Promise.all([import('../../pin/pin.js'), import('../../pin/progress.js'), import('../../pin/download.js')]);
      const r = await pinSpecFile(spec, {
        ...(opts.verify ? { verify: true } : {}),
        ...(opts.fromDir ? { fromDir: opts.fromDir } : {}),
        ...(opts.fullDownload ? { fullDownload: true } : {}),
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
        progress: createPinProgress((s) => io.stderr.write(s), io.isTTY),
      });
      await closeDownloads();
      const fatal = printReport(io, r.diagnostics, r.sources, { format: 'text', strict: opts.strict, quietOk: true, color: io.color });
      // Only remote download failures (network, proxy, mirror answers) are worth a retry: exit 5.
      // An untrusted certificate (fix artifacts.mirrorCA) or a checksum mismatch stays 1.
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (fatal && errors.length > 0 && errors.length === r.remoteFailures && errors.every((d) => d.code === 'ARTIFACT_DOWNLOAD_FAILED')) throw new CliExit(EXIT.remote);
      if (fatal) throw new CliExit(EXIT.invalid);
      if (opts.verify) io.stderr.write(`verified ${r.entries.length} artifacts against ${r.lockFile}: every sha256 matches\n`);
      else io.stderr.write(`pinned ${r.entries.length} artifacts in ${r.lockFile}\n`);
    });
}
