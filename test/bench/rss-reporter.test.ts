/**
 * The bench's peak-RSS reporter (bench/rss-reporter.mjs) reports once, from the main thread, at
 * the end of the run: the peak of the whole process, not the high-water mark at the moment a
 * worker thread happened to end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-rss-reporter-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the bench’s peak-RSS reporter', () => {
  it('reports once, after a worker thread ended, with the memory the main thread touched later', () => {
    // A worker that ends at once, then 200 MB touched by the main thread.
    writeFileSync(join(scratch, 'worker.mjs'), 'export {};\n');
    const script = join(scratch, 'measured.mjs');
    writeFileSync(
      script,
      [
        "import { Worker } from 'node:worker_threads';",
        // A module worker, which `--import` preloads the reporter into, and which ends by itself.
        "await new Promise((resolve) => new Worker(new URL('./worker.mjs', import.meta.url)).on('exit', resolve));",
        'const big = Buffer.alloc(200 * 2 ** 20, 1);',
        'if (big[12345] !== 1) process.exit(2);',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--import', join(PROJECT_ROOT, 'bench/rss-reporter.mjs'), script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const reports = [...run.stderr.matchAll(/VMONBOARD_BENCH_MAXRSS_KB=(\d+)/g)].map((m) => Number(m[1]));
    expect(reports).toHaveLength(1);
    expect(reports[0]!).toBeGreaterThan(200 * 1024);
  });
});
