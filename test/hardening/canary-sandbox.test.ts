/**
 * Property: canaries such as `$(touch <dir>/pwned)`, embedded in every free-form field, never run
 * when the bootstrap's config-placing steps run. For each VM of a hostile spec, in a scratch root
 * (VMONBOARD_ROOT) under the delivery tests' PATH shims (test/delivery/helpers/sandbox.ts):
 * - cloud-init: the write_files of user-data.yaml are written first, decoded by their encoding,
 *   and the bootstrap that runs is the one inside user-data.yaml;
 * - shell and startup-script: the script stages its own embedded files;
 * then the steps run as `main` would: stage, accounts, secrets, place, the /etc/hosts merge (with
 * the gateway's DNS name resolved by the getent shim); on-prem runs then offboard with uninstall.sh,
 * which reads the hostile x509pop certificate path. Every step must succeed, every placed file
 * must hold exactly its AgentFile bytes, the placed helpers must parse, and no canary file may exist.
 * A VM run costs ~100 process starts (install, chmod, the shims), so each case runs one of its three
 * payloads, in turn (case index mod 3), and two driver shells share the work: every delivery still
 * sees a third of the corpus, and CI stays within its time.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_VM_PATH } from '../../src/delivery/vm-paths.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { GATEWAY_IP_PLACEHOLDER } from '../../src/vm/hosts-block.js';
import { createSandbox, runBash, writeLibrary } from '../delivery/helpers/sandbox.js';
import { readManyWithPyYAML } from '../validators/pyyaml.js';
import { count, Failures, forEachRenderedChunk, type IndexedCase } from './corpus.js';
import { timeoutFor } from './fuzz-settings.js';
import { canaryHits } from './hostile-strings.js';
import { bundleText, VM_DIRS } from './render-case.js';
import { writeFilesByPath } from './write-files.js';

/** The address the getent shim gives a DNS-named gateway. */
const RESOLVED = '198.51.100.7';
/** The platforms of the hostile spec, one per case in turn. */
const PLATFORMS = ['aws-prod', 'dc1', 'gcp-prod'] as const;

/** The x509pop private key the spec references (file://); the secret step makes it 0600 in place. */
const HOST_KEY = '/etc/pki/vmonboard/host.key';

/** One VM run: its case, platform, scratch root and the library (the bootstrap minus `main "$@"`). */
interface VmRun {
  c: IndexedCase;
  platform: 'aws-prod' | 'dc1' | 'gcp-prod';
  root: string;
  lib: string;
  /** uninstall.sh, run in a second pass after the config steps were checked (on-prem runs only), or ''. */
  uninstall: string;
}

/**
 * The config-placing steps of main(), in its order, for whatever the payload defines: a step the
 * payload does not need (no embedded files, no accounts, no secrets) is absent from it.
 */
const STEPS = [
  'set -Eeuo pipefail',
  'mkdir -p "$ST" "$LOGD"',
  'install -d -m 0700 "$STG" "$TMPDIR"',
  'if declare -F stage_files >/dev/null; then stage_files; fi',
  'if declare -F ensure_accounts >/dev/null; then ensure_accounts; fi',
  'if declare -F fetch_secrets >/dev/null; then fetch_secrets; fi',
  'place_configs',
  'if [[ -e "$R/usr/local/sbin/vmonboard-hosts" ]]; then "$R/usr/local/sbin/vmonboard-hosts"; fi',
  'for s in "$R"/usr/local/sbin/vmonboard-*; do bash -n "$s"; done',
].join('\n');

/** The second pass of on-prem runs: offboarding reads the x509pop certificate path (the agent ID) and removes what was placed. */
const UNINSTALL_STEPS = 'set -e\nbash "$UNINSTALL"';

/** Driver shells run side by side (the CI machine has two cores). */
const DRIVERS = 2;

/**
 * Runs every VM of the chunk, each in its own subshell of a driver bash (runs split between
 * {@link DRIVERS} drivers); returns exit codes and output by run index.
 */
async function runAll(sbEnv: Record<string, string>, dir: string, runs: VmRun[], pass: 'configure' | 'uninstall'): Promise<Array<{ rc: number; out: string }>> {
  const steps = join(dir, `steps-${pass}.sh`);
  writeFileSync(steps, `${pass === 'configure' ? STEPS : UNINSTALL_STEPS}\n`);
  const outDir = join(dir, `out-${pass}`);
  mkdirSync(outDir, { recursive: true });
  const parts = await Promise.all(
    Array.from({ length: DRIVERS }, (_, d) => {
      const list = join(dir, `runs-${pass}-${d}.txt`);
      writeFileSync(list, runs.flatMap((r, i) => (i % DRIVERS === d ? [`${i}\t${r.root}\t${pass === 'configure' ? r.lib : '/dev/null'}\t${r.uninstall}\n`] : [])).join(''));
      return runDriver(sbEnv, steps, list, outDir);
    }),
  );
  const codes = new Map(parts.flat());
  return runs.map((_, i) => ({ rc: codes.get(i) ?? -1, out: readFileSync(join(outDir, `${i}.log`), 'utf8') }));
}

/** One driver bash over a list of `index<TAB>root<TAB>library` lines; resolves to [index, exit code] pairs. */
async function runDriver(sbEnv: Record<string, string>, steps: string, list: string, outDir: string): Promise<Array<[number, number]>> {
  const driver = [
    'while IFS=$\'\\t\' read -r i root lib uninstall; do',
    '  ( export VMONBOARD_ROOT="$root"; UNINSTALL=$uninstall; source "$lib"; source "$STEPS" ) >"$OUT/$i.log" 2>&1 </dev/null',
    '  printf "%s %s\\n" "$i" "$?"',
    'done <"$LIST"',
  ].join('\n');
  const r = await runBash(['-c', driver], { ...sbEnv, LIST: list, OUT: outDir, STEPS: steps, SHIM_AHOSTS: RESOLVED }, 600_000);
  if (r.code !== 0) throw new Error(`driver failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number]);
}

/** Checks what the config steps of one VM run left in its root. */
function checkRoot(run: VmRun, result: { rc: number; out: string }): void {
  expect(result.rc, `${run.platform}: the config steps failed:\n${result.out}`).toBe(0);
  const model = run.c.rendered.model!;
  const w = model.workloads[0]!;
  const placement = w.placements.find((p) => p.platform === run.platform)!;
  for (const f of listAgentFiles(model, w, placement)) {
    if (f.install === 'hosts-block') {
      const hosts = readFileSync(join(run.root, f.vmPath), 'utf8');
      const block = f.content.replace(GATEWAY_IP_PLACEHOLDER, RESOLVED);
      expect(hosts, `${run.platform}: /etc/hosts`).toBe(`127.0.0.1 localhost\n${block}`);
    } else {
      expect(readFileSync(join(run.root, f.vmPath), 'utf8'), `${run.platform}: ${f.vmPath}`).toBe(f.content);
    }
  }
  if (run.platform === 'dc1') expect(statSync(join(run.root, HOST_KEY)).mode & 0o777).toBe(0o600);
}

/** Checks an offboarded root: every placed file and the hosts block gone, the operator's key kept, the next step printed. */
function checkUninstalled(run: VmRun, result: { rc: number; out: string }): void {
  expect(result.rc, `${run.platform}: uninstall.sh failed:\n${result.out}`).toBe(0);
  const w = run.c.rendered.model!.workloads[0]!;
  const placement = w.placements.find((p) => p.platform === run.platform)!;
  for (const f of listAgentFiles(run.c.rendered.model!, w, placement)) if (f.install !== 'hosts-block') expect(existsSync(join(run.root, f.vmPath)), `uninstall left ${f.vmPath}`).toBe(false);
  expect(readFileSync(join(run.root, '/etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
  expect(existsSync(join(run.root, HOST_KEY))).toBe(true);
  expect(result.out).toContain('spire-server agent');
}

describe('canaries in hostile specs never run on a VM', () => {
  it(
    'the config-placing steps of every payload, in a scratch root, run no canary and place exact bytes',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('canary-sandbox', 25, async (chunk, stats) => {
        const sb = createSandbox();
        try {
          const platformOf = (c: IndexedCase): VmRun['platform'] => PLATFORMS[c.index % PLATFORMS.length]!;
          const aws = chunk.filter((c) => platformOf(c) === 'aws-prod');
          const parsed = (await readManyWithPyYAML(aws.map((c) => bundleText(c.rendered.bundle!, `${VM_DIRS.aws}/user-data.yaml`)))) as unknown[];
          const userData = new Map(aws.map((c, i) => [c, parsed[i]]));
          const runs: VmRun[] = [];
          chunk.forEach((c, ci) => {
            const platform = platformOf(c);
            const script = platform === 'dc1' ? bundleText(c.rendered.bundle!, `${VM_DIRS.onprem}/install.sh`) : platform === 'gcp-prod' ? bundleText(c.rendered.bundle!, `${VM_DIRS.gcp}/startup-script.sh`) : '';
            const root = join(sb.dir, `root-${ci}-${platform}`);
            const put = (vmPath: string, content: string, mode = 0o644): void => {
              mkdirSync(dirname(join(root, vmPath)), { recursive: true });
              writeFileSync(join(root, vmPath), content, { mode });
            };
            put('/etc/hosts', '127.0.0.1 localhost\n');
            put(HOST_KEY, 'host key placed by the operator\n');
            let bootstrap = script;
            if (platform === 'aws-prod') {
              // cloud-init's write_files ran first: stage exactly what it would write.
              const files = writeFilesByPath(userData.get(c));
              for (const [path, content] of files) put(path, content, 0o600);
              bootstrap = files.get(BOOTSTRAP_VM_PATH) ?? '';
            }
            let uninstall = '';
            if (platform === 'dc1') {
              uninstall = join(sb.dir, `uninstall-${ci}.sh`);
              writeFileSync(uninstall, bundleText(c.rendered.bundle!, `${VM_DIRS.onprem}/uninstall.sh`));
              put('/etc/os-release', 'ID=debian\nVERSION_ID="12"\n');
            }
            runs.push({ c, platform, root, lib: writeLibrary(sb, bootstrap, `lib-${ci}-${platform}.sh`), uninstall });
          });
          const results = await runAll(sb.env, sb.dir, runs, 'configure');
          for (const r of runs) count(stats, `${r.platform} payloads run`);
          const placed = runs.filter((run, i) => {
            try {
              checkRoot(run, results[i]!);
              return true;
            } catch (e) {
              failures.add(run.c, (e as Error).message);
              return false;
            }
          });
          const offboard = placed.filter((r) => r.uninstall !== '');
          const removed = await runAll(sb.env, sb.dir, offboard, 'uninstall');
          count(stats, 'uninstall.sh runs', offboard.length);
          offboard.forEach((run, i) => {
            try {
              checkUninstalled(run, removed[i]!);
            } catch (e) {
              failures.add(run.c, (e as Error).message);
            }
          });
          const hits = canaryHits();
          if (hits.length > 0) for (const c of chunk) failures.add(c, `a canary ran: ${hits.join(', ')} (one of the cases of this chunk)`);
        } finally {
          sb.cleanup();
        }
      });
      expect(failures.report()).toEqual([]);
    },
    // 1,600 ms a case: the payload's file-secret checks (issue 15) added steps to every case.
    timeoutFor(1600),
  );
});
