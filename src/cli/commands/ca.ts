/**
 * `vmonboard ca init <dir>` and `vmonboard ca check <spec> --ca-dir <dir>`: the mesh PKI the
 * cluster README's `kubectl create secret` commands read. The CA modules (and their X.509
 * library) are imported only when one of these runs.
 */
import { Command, Option } from 'commander';
import { validateSpecFile } from '../../api.js';
import { sortDiagnostics } from '../../diagnostics/diagnostic.js';
import { CliExit, EXIT, UsageError, type CliIO } from '../io.js';
import { printReport, type ReportFormat } from '../report.js';
import { DEFAULT_CA_SETTINGS, KEY_TYPES, KEY_USAGE_NAMES, type CaInitSettings, type KeyType, type KeyUsageName } from '../../ca/profiles.js';

interface InitOptions {
  keyType: KeyType;
  org: string;
  rootDays: string;
  istiodDays: string;
  spireDays: string;
  spirePathLen: string;
  istiodDns: string;
  rootKeyUsage: string;
  istiodKeyUsage: string;
  spireKeyUsage: string;
}

function days(flag: string, v: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(v)) throw new UsageError(`${flag} must be a whole number of days (1 or more), got "${v}"`);
  return Number(v);
}

function usages(flag: string, v: string): KeyUsageName[] {
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const u of list) if (!(KEY_USAGE_NAMES as readonly string[]).includes(u)) throw new UsageError(`${flag}: unknown key usage "${u}"; use ${KEY_USAGE_NAMES.join(', ')}`);
  return list as KeyUsageName[];
}

function toSettings(o: InitOptions): CaInitSettings {
  const pathLen = o.spirePathLen === 'none' ? undefined : /^[0-9]{1,2}$/.test(o.spirePathLen) ? Number(o.spirePathLen) : NaN;
  if (Number.isNaN(pathLen)) throw new UsageError(`--spire-path-len must be "none" or a number, got "${o.spirePathLen}"`);
  return {
    keyType: o.keyType,
    organization: o.org,
    rootDays: days('--root-days', o.rootDays),
    istiodDays: days('--istiod-days', o.istiodDays),
    spireDays: days('--spire-days', o.spireDays),
    ...(pathLen !== undefined ? { spirePathLength: pathLen } : {}),
    istiodDnsNames: o.istiodDns.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    rootKeyUsages: usages('--root-key-usage', o.rootKeyUsage),
    istiodKeyUsages: usages('--istiod-key-usage', o.istiodKeyUsage),
    spireKeyUsages: usages('--spire-key-usage', o.spireKeyUsage),
  };
}

function initSubcommand(io: CliIO): Command {
  const d = DEFAULT_CA_SETTINGS;
  return new Command('init')
    .description('write a new mesh root CA and two intermediates of it: istiod/ (Istio plugged-in CA, secret cacerts) and spire/ (SPIRE disk upstream authority, secret spiffe-upstream-ca)')
    .argument('<dir>', 'directory to create the CA in (created if missing; no existing file is ever replaced)')
    .addOption(new Option('--key-type <type>', 'key algorithm of all three CAs').choices(KEY_TYPES).default(d.keyType))
    .option('--org <name>', 'subject O= of the certificates', d.organization)
    .option('--root-days <n>', 'root lifetime in days (Istio tools/certs ROOTCA_DAYS)', String(d.rootDays))
    .option('--istiod-days <n>', 'istiod intermediate lifetime in days (INTERMEDIATE_DAYS)', String(d.istiodDays))
    .option('--spire-days <n>', 'SPIRE intermediate lifetime in days', String(d.spireDays))
    .option('--spire-path-len <n|none>', 'path length limit of the SPIRE intermediate: none, or at least 1 (SPIRE mints its signing CA beneath it)', 'none')
    .option('--istiod-dns <names>', 'comma-separated DNS SANs of the istiod intermediate (Istio INTERMEDIATE_SAN_DNS)', d.istiodDnsNames.join(','))
    .option('--root-key-usage <list>', 'comma-separated key usages of the root', d.rootKeyUsages.join(','))
    .option('--istiod-key-usage <list>', 'comma-separated key usages of the istiod intermediate', d.istiodKeyUsages.join(','))
    .option('--spire-key-usage <list>', 'comma-separated key usages of the SPIRE intermediate', d.spireKeyUsages.join(','))
    .addHelpText(
      'after',
      `
Writes root-cert.pem, root-key.pem, istiod/{ca-cert.pem,ca-key.pem,cert-chain.pem,root-cert.pem}
and spire/{tls.crt,tls.key,bundle.crt}. Keys are mode 0600. Keep them out of Git and out of any
bundle directory; after creating the cluster secrets, store root-key.pem offline.

Examples:
  $ vmonboard ca init ./mesh-ca
  $ vmonboard ca init ./mesh-ca --key-type ec-p256 --spire-days 365

Exit codes: 0 written, 1 a file exists (nothing written), 2 usage error, 3 internal error.`,
    )
    .action(async (dir: string, opts: InitOptions) => {
      const settings = toSettings(opts);
      const { initCaDir } = await import('../../ca/init-ca.js');
      const { CaWriteError } = await import('../../ca/write-ca-files.js');
      try {
        const written = await initCaDir(dir, settings);
        io.stderr.write(`wrote ${written.length} files under ${dir}:\n${written.map((f) => `  ${f}`).join('\n')}\nnext: vmonboard ca check <spec> --ca-dir ${dir}\n`);
      } catch (err) {
        if (!(err instanceof CaWriteError)) throw err;
        printReport(io, [{ severity: 'error', code: 'CA_FILE_EXISTS', message: err.message, pointer: '', file: dir }], new Map(), { format: 'text', strict: false });
        throw new CliExit(EXIT.invalid);
      }
    });
}

function checkSubcommand(io: CliIO): Command {
  return new Command('check')
    .description('check a CA directory (from ca init or your own PKI) against the spec: chains to trust.meshRootCA, path lengths, keys, key usages, chain order, expiry')
    .argument('<spec>', 'spec file (YAML), or - to read it from stdin')
    .requiredOption('--ca-dir <dir>', 'the CA directory (layout of vmonboard ca init)')
    .option('--files-dir <dir>', 'directory local file references resolve under (default: the spec directory)')
    .option('--lock <file>', 'lock file (default: <spec>.lock.yaml beside the spec)')
    .option('--strict', 'treat warnings (expiry within 30 days) as errors', false)
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ vmonboard ca check examples/quickstart.yaml --ca-dir ./mesh-ca
  $ vmonboard ca check spec.yaml --ca-dir /secure/vault-export --format json

Exit codes: 0 usable (warnings allowed), 1 errors, 2 usage error, 3 internal error.`,
    )
    .action(async (spec: string, opts: { caDir: string; filesDir?: string; lock?: string; strict: boolean; format: ReportFormat }) => {
      const v = await validateSpecFile(spec, {
        ...(opts.filesDir ? { filesDir: opts.filesDir } : {}),
        ...(opts.lock ? { lockFile: opts.lock } : {}),
        ...(spec === '-' ? { stdinText: await io.readStdin() } : {}),
      });
      if (!v.model) {
        printReport(io, v.diagnostics, v.sources, { format: opts.format, strict: opts.strict });
        throw new CliExit(EXIT.invalid);
      }
      const { checkCaDir } = await import('../../ca/check-ca.js');
      const r = await checkCaDir(v.model, opts.caDir);
      // Findings about CA files carry their own file (and line); only spec findings are located in the spec.
      const located = r.diagnostics.map((d) => (d.file ? d : v.locate([d])[0]!));
      const all = sortDiagnostics([...v.diagnostics, ...located]);
      const sources = new Map([...v.sources, ...r.sources]);
      const fatal = printReport(io, all, sources, { format: opts.format, strict: opts.strict });
      if (opts.format === 'text' && !fatal) io.stderr.write(`${opts.caDir}: usable with ${spec}\n`);
      if (fatal) throw new CliExit(EXIT.invalid);
    });
}

/** Builds `vmonboard ca` with its init and check subcommands. */
export function caCommand(io: CliIO): Command {
  return new Command('ca').description('make or check the mesh CA (one root of trust for istiod and SPIRE)').addCommand(initSubcommand(io)).addCommand(checkSubcommand(io));
}
