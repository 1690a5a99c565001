/**
 * Property: canaries such as `$(touch <dir>/pwned)`, embedded in every free-form field, never run
 * when the bootstrap's config-placing steps run. For each VM of a hostile spec, in a scratch root
 * (VMONBOARD_ROOT) under the delivery tests' PATH shims (test/delivery/helpers/sandbox.ts):
 * - cloud-init: the write_files of user-data.yaml are written first, decoded by their encoding,
 *   and the bootstrap that runs is the one inside user-data.yaml;
 * - shell and startup-script: the script stages its own embedded files;
 * then the steps run as `main` would: stage, accounts, secrets, place, the /etc/hosts merge (with
 * the gateway's DNS name resolved by the getent shim). Every step must succeed, every placed file
 * must hold exactly its AgentFile bytes, the placed helpers must parse, and no canary file may exist.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
/** The x509pop private key the spec references (file://); the secret step makes it 0600 in place. */
const HOST_KEY = '/etc/pki/vmonboard/host.key';

/** One VM run: its case, platform, scratch root and the library (the bootstrap minus `main "$@"`). */
interface VmRun {
  c: IndexedCase;
  platform: 'aws-prod' | 'dc1' | 'gcp-prod';
  root: string;
  lib: string;
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

/** Runs every VM of the chunk, each in its own subshell of one driver bash; returns exit codes and output by run index. */
async function runAll(sbEnv: Record<string, string>, dir: string, runs: VmRun[]): Promise<Array<{ rc: number; out: string }>> {
  const list = join(dir, 'runs.txt');
  writeFileSync(list, runs.map((r, i) => `${i}\t${r.root}\t${r.lib}\n`).join(''));
  writeFileSync(join(dir, 'steps.sh'), `${STEPS}\n`);
  const driver = [
    'while IFS=$\'\\t\' read -r i root lib; do',
    '  ( export VMONBOARD_ROOT="$root"; source "$lib"; source "$STEPS" ) >"$OUT/$i.log" 2>&1 </dev/null',
    '  printf "%s %s\\n" "$i" "$?"',
    'done <"$LIST"',
  ].join('\n');
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  const r = await runBash(['-c', driver], { ...sbEnv, LIST: list, OUT: outDir, STEPS: join(dir, 'steps.sh'), SHIM_AHOSTS: RESOLVED }, 600_000);
  if (r.code !== 0) throw new Error(`driver failed: ${r.stderr}`);
  const codes = new Map(r.stdout.trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number]));
  return runs.map((_, i) => ({ rc: codes.get(i) ?? -1, out: readFileSync(join(outDir, `${i}.log`), 'utf8') }));
}

/** Checks what one VM run left in its root. */
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

describe('canaries in hostile specs never run on a VM', () => {
  it(
    'the config-placing steps of every payload, in a scratch root, run no canary and place exact bytes',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('canary-sandbox', 25, async (chunk, stats) => {
        const sb = createSandbox();
        try {
          const userData = (await readManyWithPyYAML(chunk.map((c) => bundleText(c.rendered.bundle!, `${VM_DIRS.aws}/user-data.yaml`)))) as unknown[];
          const runs: VmRun[] = [];
          chunk.forEach((c, ci) => {
            const payloads: Array<[VmRun['platform'], string]> = [
              ['aws-prod', ''],
              ['dc1', bundleText(c.rendered.bundle!, `${VM_DIRS.onprem}/install.sh`)],
              ['gcp-prod', bundleText(c.rendered.bundle!, `${VM_DIRS.gcp}/startup-script.sh`)],
            ];
            for (const [platform, script] of payloads) {
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
                const files = writeFilesByPath(userData[ci]);
                for (const [path, content] of files) put(path, content, 0o600);
                bootstrap = files.get(BOOTSTRAP_VM_PATH) ?? '';
              }
              runs.push({ c, platform, root, lib: writeLibrary(sb, bootstrap, `lib-${ci}-${platform}.sh`) });
            }
          });
          const results = await runAll(sb.env, sb.dir, runs);
          count(stats, 'VM payloads run', runs.length);
          runs.forEach((run, i) => {
            try {
              checkRoot(run, results[i]!);
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
    timeoutFor(400),
  );
});
