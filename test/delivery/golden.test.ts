/**
 * Golden payloads: for every golden case, the payload files of each VM (user-data.yaml,
 * startup-script.sh or install.sh, bootstrap.sh, bake.sh, verify.sh, uninstall.sh) under
 * vms/<workload>/<platform>/ match test/fixtures/golden/<case>/expected/. Only these file names
 * are compared (the agent files there belong to the VM-config golden test); a missing or an
 * unexpected one among them fails. Flavor istio only: flavor gloo's payloads have their own golden
 * test. Refresh with `vitest -u`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { goldenBundle, goldenCases, goldenModel, GOLDEN_DIR } from '../helpers/golden-cases.js';
import { PAYLOAD_FILE, VM_SCRIPTS, vmDir } from '../../src/bundle/layout.js';

/** The file names this golden test owns inside each VM directory. */
const PAYLOAD_NAMES = new Set<string>([...Object.values(PAYLOAD_FILE), ...Object.values(VM_SCRIPTS)]);

function expectedNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => PAYLOAD_NAMES.has(n) && statSync(join(dir, n)).isFile()).sort();
}

describe('golden payloads', () => {
  const cases = goldenCases();
  it('has at least 10 cases covering every platform kind, deb and rpm, amd64 and arm64, and bake', async () => {
    const models = await Promise.all(cases.map((c) => goldenModel(c)));
    const istio = models.filter((m) => m.flavor === 'istio');
    expect(cases.length).toBeGreaterThanOrEqual(10);
    const platforms = istio.flatMap((m) => m.platforms);
    expect(new Set(platforms.map((p) => p.kind))).toEqual(new Set(['aws', 'gcp', 'azure', 'onprem', 'baremetal']));
    expect(new Set(platforms.map((p) => p.delivery))).toEqual(new Set(['cloud-init', 'startup-script', 'shell']));
    expect(new Set(platforms.flatMap((p) => p.formats))).toEqual(new Set(['deb', 'rpm']));
    expect(new Set(platforms.flatMap((p) => p.targets.arch))).toEqual(new Set(['amd64', 'arm64']));
    expect(platforms.filter((p) => p.bake).map((p) => p.delivery).sort()).toEqual(['cloud-init', 'shell', 'startup-script']);
  });

  it.each(cases)('%s', async (name) => {
    const model = await goldenModel(name);
    // Flavor gloo's payloads (issue 10) have their own golden test.
    if (model.flavor !== 'istio') return;
    const bundle = await goldenBundle(name);
    const updating = process.argv.includes('-u') || process.argv.includes('--update');
    for (const w of model.workloads) {
      for (const p of w.placements) {
        const dir = vmDir(w, p.platform);
        const rendered = [...bundle.keys()].filter((k) => k.startsWith(`${dir}/`) && PAYLOAD_NAMES.has(k.slice(dir.length + 1))).map((k) => k.slice(dir.length + 1)).sort();
        for (const f of rendered) {
          const file = bundle.get(`${dir}/${f}`)!;
          await expect(String(file.content)).toMatchFileSnapshot(join(GOLDEN_DIR, name, 'expected', dir, f));
          expect(file.mode, `${dir}/${f}`).toBe(f.endsWith('.sh') ? 0o755 : 0o644);
        }
        const onDisk = expectedNames(join(GOLDEN_DIR, name, 'expected', dir));
        if (updating) {
          for (const stale of onDisk.filter((n) => !rendered.includes(n))) unlinkSync(join(GOLDEN_DIR, name, 'expected', dir, stale));
        } else {
          expect(rendered, `payload files of ${name} ${dir}`).toEqual(onDisk);
        }
      }
    }
  });
});
