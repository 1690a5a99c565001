// The file-system floor of a render: the same files, already in memory, written with nothing
// else (mkdir + writeFileSync, then one `sync -f`, as render -o ends with one syncfs). A render's
// time is reported as a ratio of this, measured in the same run on the same file system.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Every file under `dir`, in memory: [relative path, bytes], read by the project's own readTree (dist/). */
export async function readTree(dir) {
  const { readTree: read } = await import(new URL('../dist/src/bundle/read-dir.js', import.meta.url).href);
  return [...read(dir)].filter(([, e]) => e.kind === 'file').map(([rel, e]) => [rel, e.content]);
}

/** Writes `files` under a fresh `dir` and syncs its file system; returns the milliseconds it took. */
export function timeBareWrite(files, dir) {
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const made = new Set();
  for (const [rel, bytes] of files) {
    const parent = dirname(join(dir, rel));
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(join(dir, rel), bytes);
  }
  execFileSync('/usr/bin/sync', ['-f', dir]);
  const ms = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}
