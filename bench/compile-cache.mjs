// Cold CLI start on Node >= 22 with and without the module compile cache that src/cli/main.ts
// enables (issue 17 §3). Each run is a fresh process; "with" reads a cache the first (untimed)
// run filled, "without" sets NODE_DISABLE_COMPILE_CACHE=1. Interleaved with the same Node's
// `node -e 0`, so every figure is a ratio to that run's own floor.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures `node` (a Node >= 22 binary) running the CLI at `cli` from `root`; returns medians in ms
 * and the ratios to `node -e 0`.
 */
export function measureCompileCache({ node, cli, root, runs, scratch }) {
  const cacheHome = mkdtempSync(join(tmpdir(), 'vmonboard-bench-cache-'));
  const time = (args, env) => {
    const t0 = performance.now();
    const r = spawnSync(node, args, { cwd: root, encoding: 'utf8', env: { ...process.env, TMPDIR: cacheHome, ...env } });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-1000)}`);
    return ms;
  };
  const validate = [cli, 'validate', 'examples/quickstart.yaml'];
  const render = [cli, 'render', 'examples/quickstart.yaml', '-o', join(scratch, 'cc'), '--force'];
  const off = { NODE_DISABLE_COMPILE_CACHE: '1' };
  try {
    // Fill the cache once (not timed): what every later run of an installed CLI finds.
    time(validate, {});
    time(render, {});
    const t = { floor: [], validateOn: [], validateOff: [], renderOn: [], renderOff: [] };
    for (let i = 0; i < runs; i++) {
      t.floor.push(time(['-e', '0'], {}));
      t.validateOn.push(time(validate, {}));
      t.validateOff.push(time(validate, off));
      t.renderOn.push(time(render, {}));
      t.renderOff.push(time(render, off));
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    return { version, ms: m, ratios: { validateOn: m.validateOn / m.floor, validateOff: m.validateOff / m.floor, renderOn: m.renderOn / m.floor, renderOff: m.renderOff / m.floor } };
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
}
