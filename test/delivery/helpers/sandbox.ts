/**
 * A scratch VM for bash unit tests of the payload scripts: a root prefix (VMONBOARD_ROOT) that the
 * scripts write into, and PATH-prepended shims that stand in for the package managers, systemd,
 * account tools, SELinux and firewalld, each recording its argv to a call log. Real coreutils,
 * tar, flock and sha256sum still run. A shim curl refuses any URL of a real metadata service, so
 * no test ever contacts 169.254.169.254 or metadata.google.internal.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireExecutable } from '../../validators/require-tool.js';

/** Shims that only record their call and exit with $SHIM_RC_<name> (default 0). */
const RECORDING = [
  'apt-get', 'dnf', 'useradd', 'groupadd', 'chown', 'restorecon', 'firewall-cmd', 'iptables-restore',
  'iptables-legacy-save', 'sleep', 'runuser', 'timeout', 'daemon-unused',
];

/** Shim bodies with behaviour; `rec` has already logged the call. */
const SPECIAL: Record<string, string> = {
  uname: 'if [[ ${1:-} == -m ]]; then printf "%s\\n" "${SHIM_UNAME_M:-x86_64}"; else printf "Linux\\n"; fi',
  iptables: 'if [[ ${1:-} == -V ]]; then printf "%s\\n" "${SHIM_IPTABLES_V:-iptables v1.8.9 (nf_tables)}"; fi',
  selinuxenabled: 'exit "${SHIM_RC_selinuxenabled:-1}"',
  id: 'if [[ ${1:-} == istio-proxy ]]; then exit "${SHIM_RC_id:-1}"; fi; exec /usr/bin/id "$@"',
  getent: [
    'case ${1:-} in',
    '  ahosts) [[ -n ${SHIM_AHOSTS:-} ]] || exit 2; printf "%s STREAM %s\\n%s DGRAM\\n" "$SHIM_AHOSTS" "$2" "$SHIM_AHOSTS" ;;',
    '  *) [[ " ${SHIM_ACCOUNTS:-} " == *" $2 "* ]] || exit 2; printf "%s:x:999:\\n" "$2" ;;',
    'esac',
  ].join('\n'),
  systemctl: [
    'if [[ ${1:-} == is-active ]]; then',
    '  u=${!#}',
    '  if [[ $u == firewalld ]]; then exit "${SHIM_RC_firewalld:-3}"; fi',
    '  exit "${SHIM_RC_is_active:-0}"',
    'fi',
    'exit "${SHIM_RC_systemctl:-0}"',
  ].join('\n'),
  // The journal of a unit's processes: $SHIM_JOURNAL as its last line (none when unset).
  journalctl: 'if [[ -n ${SHIM_JOURNAL:-} ]]; then printf "%s\\n" "$SHIM_JOURNAL"; fi',
  'dpkg-query': '[[ " ${SHIM_INSTALLED:-} " == *" ${!#} "* ]] && printf "install ok installed" || exit 1',
  rpm: '[[ " ${SHIM_INSTALLED:-} " == *" ${!#} "* ]]',
  curl: [
    'for a; do case $a in *169.254.169.254*|*metadata.google.internal*) echo "FORBIDDEN metadata URL $a" >&2; exit 99 ;; esac; done',
    'printf "curl-env\\thttps_proxy=%s\\tNO_PROXY=%s\\n" "${https_proxy:-}" "${NO_PROXY:-}" >>"$SHIM_LOG"',
    'if [[ -n ${SHIM_REAL_CURL:-} ]]; then exec /usr/bin/curl "$@"; fi',
    'out="" url="" prev=""',
    'for a; do [[ $prev == -o ]] && out=$a; case $a in http://*|https://*) url=$a ;; esac; prev=$a; done',
    'if [[ -n $out && $url == https://mirror.test/* ]]; then',
    '  src="$SHIM_FILES/${url##*/}"',
    '  [[ -f $src ]] || { echo "curl: (22) 404 $url" >&2; exit 22; }',
    '  cp "$src" "$out"; exit 0',
    'fi',
    'exit "${SHIM_RC_curl:-0}"',
  ].join('\n'),
};

/** One scratch VM. */
export interface Sandbox {
  dir: string;
  /** The VMONBOARD_ROOT of the scripts. */
  root: string;
  bin: string;
  /** Files the curl shim serves by the last path segment of the URL. */
  files: string;
  /** Environment for running scripts here (extend per test). */
  env: Record<string, string>;
  /** Recorded shim calls, one argv per call (argv[0] is the shim name). */
  calls(): string[][];
  /** Clears the call log. */
  resetCalls(): void;
  /** Writes a file under the root prefix (absolute VM path). */
  write(vmPath: string, content: string, mode?: number): void;
  /** Reads a file under the root prefix, or undefined. */
  read(vmPath: string): string | undefined;
  cleanup(): void;
}

/** Creates a scratch VM with an /etc/os-release and /etc/hosts. */
export function createSandbox(osRelease = 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n'): Sandbox {
  requireExecutable('bash', 'bash');
  requireExecutable('flock', 'util-linux');
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-sandbox-'));
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  const files = join(dir, 'files');
  const log = join(dir, 'calls.log');
  for (const d of [root, bin, files]) mkdirSync(d, { recursive: true });
  const rec = `printf '%s' "\${0##*/}" >>"$SHIM_LOG"; for a; do printf '\\t%s' "\${a//$'\\n'/\\\\n}" >>"$SHIM_LOG"; done; printf '\\n' >>"$SHIM_LOG"`;
  for (const name of RECORDING) {
    const rc = `SHIM_RC_${name.replace(/-/g, '_')}`;
    writeFileSync(join(bin, name), `#!/bin/bash\n${rec}\nexit "\${${rc}:-0}"\n`, { mode: 0o755 });
  }
  for (const [name, body] of Object.entries(SPECIAL)) writeFileSync(join(bin, name), `#!/bin/bash\n${rec}\n${body}\n`, { mode: 0o755 });
  const sb: Sandbox = {
    dir,
    root,
    bin,
    files,
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, LANG: 'C', SHIM_LOG: log, SHIM_FILES: files, VMONBOARD_ROOT: root, RETRIES: '2', VMONBOARD_VERIFY_WAIT: '0' },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : []),
    resetCalls: () => writeFileSync(log, ''),
    write: (vmPath, content, mode = 0o644) => {
      const p = join(root, vmPath);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      chmodSync(p, mode);
    },
    read: (vmPath) => (existsSync(join(root, vmPath)) ? readFileSync(join(root, vmPath), 'utf8') : undefined),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  sb.write('/etc/os-release', osRelease);
  sb.write('/etc/hosts', '127.0.0.1 localhost\n::1 localhost\n');
  writeFileSync(log, '');
  return sb;
}

/** The result of one bash run. */
export interface BashResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs bash with a script file or `-c` text, asynchronously (tests serve HTTP stubs from this
 * process, so a synchronous spawn would deadlock).
 */
export function runBash(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<BashResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/bash', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/**
 * Writes `script` minus its last line (`main "$@"`, asserted) as a library a test can source and
 * call single functions from; returns its path.
 */
export function writeLibrary(sb: Sandbox, script: string, name = 'lib.sh'): string {
  const lines = script.replace(/\n$/, '').split('\n');
  if (lines.pop() !== 'main "$@"') throw new Error('the script does not end with main "$@"');
  const p = join(sb.dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}
