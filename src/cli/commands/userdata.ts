/** `vmonboard userdata <spec> --workload W --platform P`: one VM's user data on stdout. */
import { Command, Option } from 'commander';
import { USERDATA_ENCODINGS, UserDataError, type UserDataEncoding } from '../../userdata/encode.js';
import type { UserDataOptions, UserDataResult } from '../../userdata/render-user-data.js';
import { CliExit, EXIT, EXIT_CODES_HELP, UsageError, type CliIO } from '../io.js';
import { refuseBinaryToTerminal } from '../pipes.js';
import { printReport } from '../report.js';
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';

/** Options every user-data command shares (userdata, aws launch-template). */
export interface VmCommandOptions {
  workload: string;
  platform: string;
  mime: boolean;
  filesDir?: string;
  lock?: string;
  strict: boolean;
}

/**
 * Renders the spec and encodes one VM's user data, printing findings to stderr. Maps lookup and
 * encoding mistakes to usage errors (exit 2) and fatal findings to exit 1; returns the result
 * with userData set.
 */
export async function renderUserDataForCli(
  io: CliIO,
  spec: string,
  opts: VmCommandOptions & { encoding?: UserDataEncoding },
  /** The command's own findings about the chosen VM (located in the spec, reported with the rest). */
  review?: (payload: NonNullable<UserDataResult['payload']>) => Array<Diagnostic & { atKey?: boolean }>,
): Promise<Required<Pick<UserDataResult, 'userData' | 'payload'>>> {
  const req: UserDataOptions = {
    workload: opts.workload,
    platform: opts.platform,
    mime: opts.mime,
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
    ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
    ...(opts.lock ? { lockFile: opts.lock } : {}),
    ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
  };
  // Loaded only when user data is rendered: the renderer brings the translators.
  const { PayloadLookupError, renderUserData } = await import('../../userdata/render-user-data.js');
  let r: UserDataResult;
  try {
    r = await renderUserData(spec, req);
  } catch (err) {
    if (err instanceof PayloadLookupError) throw new UsageError(err.message, err.code);
    if (err instanceof UserDataError && err.reason === 'unsupported') throw new UsageError(err.message);
    throw err;
  }
  const own = review && r.payload && r.locate ? r.locate(review(r.payload)) : [];
  const fatal = printReport(io, own.length > 0 ? sortDiagnostics([...r.diagnostics, ...own]) : r.diagnostics, r.sources, { format: 'text', strict: opts.strict, quietOk: true });
  if (fatal || !r.userData || !r.payload) throw new CliExit(EXIT.invalid);
  for (const note of r.userData.notes) io.stderr.write(`note: ${note}\n`);
  return { userData: r.userData, payload: r.payload };
}

/** Builds the userdata command. */
export function userdataCommand(io: CliIO): Command {
  return new Command('userdata')
    .description("print one VM's first-boot user data to stdout, encoded and checked against its platform's size limit")
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .requiredOption('--workload <name>', 'workload: <namespace>/<name>, or its name when one namespace has it')
    .requiredOption('--platform <name>', 'platform name (its delivery decides the payload)')
    .addOption(new Option('--encoding <encoding>', 'output encoding (default: raw, gzipped when needed and allowed)').choices([...USERDATA_ENCODINGS]))
    .option('--mime', 'wrap the payload as a MIME multipart part, to merge with other user data', false)
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec; for a spec on stdin, vmonboard.lock.yaml in the current directory)')
    .option('--strict', 'treat warnings as errors', false)
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard userdata spec.yaml --workload ratings --platform aws-prod > user-data
  $ vmonboard userdata spec.yaml --workload ratings --platform azure-prod --encoding base64
  $ vmonboard userdata spec.yaml --workload ratings --platform aws-prod --mime --encoding gzip+base64

Limits: EC2 16,384 bytes (before base64), Azure custom data 65,535, GCE 262,144 per metadata value.

${EXIT_CODES_HELP}`,
    )
    .action(async (spec: string, opts: VmCommandOptions & { encoding?: UserDataEncoding }) => {
      const { userData } = await renderUserDataForCli(io, spec, opts);
      if (userData.bytes[0] === 0x1f && userData.bytes[1] === 0x8b) {
        refuseBinaryToTerminal(io.stdoutIsTTY, 'gzipped user data', 'redirect it (> user-data.gz), or pass --encoding base64 or gzip+base64 for text');
      }
      io.stdout.write(userData.bytes);
    });
}
