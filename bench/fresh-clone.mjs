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

/** Times `npm ci` and `npm ci && <first>` in two fresh copies; returns both in ms. */
export function measureFreshClone(root, first) {
  const npmCi = 'npm ci --prefer-offline --no-audit --no-fund >/dev/null';
  const a = freshCopy(root);
  const b = freshCopy(root);
  try {
    const ci = timeShell(npmCi, a);
    const ciAndFirst = timeShell(`${npmCi} && ${first}`, b);
    return { ci, ciAndFirst };
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}
