// Boot-time figure for `npm run bench` (issue 7): cloud-final start → spire-agent, istio and
// otelcol-contrib active, on real first boots in the e2e container (root, debootstrap and
// systemd-nspawn required; the root filesystem is built on first use, ~1.5 min).
//   import { runBootTimeBench } from './boot-time.mjs'  → { medianMs, samples, ... }
//   node bench/boot-time.mjs [runs]                      → prints the figure
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs the measurement (through vitest, which compiles the TypeScript harness) and returns its result. */
export function runBootTimeBench({ runs = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-boot-time-'));
  const out = join(dir, 'result.json');
  try {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/vitest'), ['run', '--config', 'bench/boot-time.vitest.config.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, VMONBOARD_BOOT_TIME_OUT: out, VMONBOARD_BOOT_TIME_RUNS: String(runs) },
    });
    if (r.status !== 0) throw new Error(`boot-time bench failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = runBootTimeBench({ runs: Number(process.argv[2] ?? 3) });
  console.log(`first boot, cloud-final start → 3 units active: median ${result.medianMs} ms over ${result.samples.length} boots (${result.samples.join(', ')} ms)`);
  for (const [i, t] of result.timelines.entries()) console.log(`  boot ${i + 1}: ${JSON.stringify(t.perUnitMs)}; boot → cloud-final ${t.bootToCloudFinalMs} ms`);
}
