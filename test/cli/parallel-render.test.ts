/**
 * Issue 15 §3 repro: six renders of the quickstart to one -o at once, ten trials. Before the
 * directory lock, 3 of 12 trials left a partial bundle (62, 1, 72 of 122 files) while some runs
 * printed "wrote 122 files". Every run must now succeed (the lock serializes them) and, after
 * each trial, the directory must pass `render --check` with nothing left beside it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
const SPEC = join(PROJECT_ROOT, 'examples/quickstart.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-parallel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RUNS = 6;
const TRIALS = 10;

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 300_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('parallel renders to one directory', () => {
  it(`${RUNS} at once, ${TRIALS} trials: every run succeeds and the bundle passes render --check`, async () => {
    const out = join(scratch, 'bundle');
    for (let trial = 0; trial < TRIALS; trial++) {
      const results = await Promise.all(Array.from({ length: RUNS }, () => run(['render', SPEC, '-o', out, '--wait', '240'])));
      for (const r of results) expect([trial, r.code, r.stderr]).toEqual([trial, 0, expect.stringMatching(/^wrote \d+ files to /m)]);
      const check = await run(['render', '--check', SPEC, '-o', out]);
      expect([trial, check.code, check.stderr]).toEqual([trial, 0, expect.stringMatching(/is up to date/)]);
      expect(readdirSync(scratch)).toEqual(['bundle']);
    }
  }, 1_200_000);
});
