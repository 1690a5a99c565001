// The README's first command on a fresh clone (issue 17 §1): `npm ci` alone, then `npm ci` plus
// the README's render, each in a fresh copy of the tracked files (what `git clone` gives). The
// render's share must stay within 3 s: it runs the CLI `npm ci` already built, nothing is built
// or installed twice. npm reads packages from its cache first (--prefer-offline), so the
// figures measure this project, not the network.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The README's first command line (after `npm ci && `), read from README.md by the caller. */
function freshCopy(root) {
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-bench-clone-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(join(dir, dirname(f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  return dir;
}

function timeShell(cmd, cwd) {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return ms;
}

/** Times `npm ci` in one fresh copy and `npm ci`, then `<first>`, in another; returns the figures in ms. */
export function measureFreshClone(root, first) {
  const npmCi = 'npm ci --prefer-offline --no-audit --no-fund >/dev/null';
  const a = freshCopy(root);
  const b = freshCopy(root);
  try {
    const ci = timeShell(npmCi, a);
    // The second copy runs `npm ci` and then the first command, each timed on its own: two
    // `npm ci` runs differ by several seconds on a loaded machine (seen: 63 s vs 70 s), more than
    // the 3 s budget, so the first command's own time is the figure the budget is checked on.
    const ciB = timeShell(npmCi, b);
    const firstAlone = timeShell(first, b);
    return { ci, ciAndFirst: ciB + firstAlone, first: firstAlone };
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}
