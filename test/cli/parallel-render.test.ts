/**
 * Issue 15 §3 repro without `--wait` (an option the fix added, which the CLI before it refuses):
 * six renders of the quickstart to one -o at once, ten trials. Before the directory lock a trial
 * could end with a partial bundle (62 of 122 files on dad2466) while runs printed "wrote 122 files"
 * and exited 0. Now every run exits 0 (the default wait covers five queued renders) and, after
 * each trial, the directory passes `render --check` with nothing left beside it. The per-trial
 * record is printed so a failure shows the file count. Shown to fail on dad2466 (the main the
 * issue was filed against): one trial left 62 of 122 files while two runs exited 0.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-issue15-parallel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function workspace(): string {
  const w = join(scratch, 'ws');
  mkdirSync(w);
  for (const f of ['quickstart.yaml', 'quickstart.lock.yaml', 'files']) cpSync(join(PROJECT_ROOT, 'examples', f), join(w, f), { recursive: true });
  return w;
}

describe('§3 six renders of the quickstart to one -o at once, 10 trials (no --wait: the old CLI has none)', () => {
  const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
  const run = (args: string[]): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => execFile(process.execPath, [CLI, ...args], { timeout: 300_000 }, (err, _o, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr })));
  const count = (d: string): number => (existsSync(d) ? readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : -1);

  it('after each trial every run exited 0 and the directory passes render --check', async () => {
    const spec = join(workspace(), 'quickstart.yaml');
    const out = join(scratch, 'par', 'bundle');
    mkdirSync(join(out, '..'));
    const trials: Array<{ trial: number; codes: number[]; wrote: number; files: number; check: number; debris: string[] }> = [];
    for (let trial = 0; trial < 10; trial++) {
      const rs = await Promise.all(Array.from({ length: 6 }, () => run(['render', spec, '-o', out])));
      const check = await run(['render', '--check', spec, '-o', out]);
      trials.push({
        trial,
        codes: rs.map((r) => r.code),
        wrote: rs.filter((r) => r.code === 0 && /^wrote \d+ files/m.test(r.stderr)).length,
        files: count(out),
        check: check.code,
        debris: readdirSync(join(out, '..')).filter((f) => f !== 'bundle'),
      });
    }
    expect(trials.filter((t) => t.check !== 0 || t.codes.some((c) => c !== 0) || t.debris.length > 0)).toEqual([]);
  }, 1_200_000);
});
