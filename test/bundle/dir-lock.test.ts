/**
 * Issue 15 §3: one writer per output directory. Six renders of the quickstart at once once left
 * 62, 1 and 72 of 122 files and still printed "wrote 122 files", because each run's recovery
 * deleted the temp tree another live run was writing. Now the whole write holds an exclusive
 * flock beside the target; a second run waits a bounded time, then fails clearly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDirLock, lockPathFor } from '../../src/bundle/dir-lock.js';
import { writeBundleToDir } from '../../src/bundle/write-dir.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { expectDirHolds, sampleBundle } from './sample-bundle.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = join(root, `case-${++n}`, 'bundle');
  mkdirSync(join(d, '..'), { recursive: true });
  return d;
};

describe('the directory lock', () => {
  it('a second writer waits its bounded time, then fails clearly and leaves the bundle as it was', async () => {
    const dir = fresh();
    await writeBundleToDir(sampleBundle('v1'), dir);
    const held = await acquireDirLock(dir, 0);
    const started = Date.now();
    await expect(writeBundleToDir(sampleBundle('v2'), dir, { lockWaitSeconds: 1 })).rejects.toThrow(
      /^another vmonboard render is writing .*bundle \(lock .*bundle\.vmonboard-lock\); waited 1 s for it to finish\. Run again when it has finished, or raise --wait$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expectDirHolds(dir, sampleBundle('v1'));
    await held.release();
    await writeBundleToDir(sampleBundle('v2'), dir, { lockWaitSeconds: 1 });
    expectDirHolds(dir, sampleBundle('v2'));
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']); // the lock file goes with the lock
  });

  it('a waiting writer proceeds as soon as the holder releases', async () => {
    const dir = fresh();
    const held = await acquireDirLock(dir, 0);
    const write = writeBundleToDir(sampleBundle('v1'), dir, { lockWaitSeconds: 30 });
    await new Promise((r) => setTimeout(r, 300));
    await held.release();
    await write;
    expectDirHolds(dir, sampleBundle('v1'));
  });

  it('the CLI reports a held lock with exit 1 and --wait in the message', async () => {
    const dir = fresh();
    const held = await acquireDirLock(dir, 0);
    const { runInProcess } = await import('../cli/cli-io.js');
    const r = await runInProcess(['render', join(PROJECT_ROOT, 'examples/quickstart.yaml'), '-o', dir, '--wait', '1']);
    await held.release();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: another vmonboard render is writing .*raise --wait\n.* still holds what it held before\./);
  });

  it('a lock held by a killed process is free at once (the kernel drops it)', async () => {
    const dir = fresh();
    mkdirSync(join(dir, '..'), { recursive: true });
    writeFileSync(lockPathFor(dir), '');
    // flock(1) holding the lock file for a `sleep`, in its own process group, all SIGKILLed.
    const child = spawn('/usr/bin/flock', ['-x', lockPathFor(dir), 'sleep', '60'], { stdio: 'ignore', detached: true });
    await new Promise((r) => setTimeout(r, 300));
    await expect(acquireDirLock(dir, 0)).rejects.toThrow(/another vmonboard render is writing/);
    const exited = new Promise((r) => child.on('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const started = Date.now();
    const lock = await acquireDirLock(dir, 5);
    expect(Date.now() - started).toBeLessThan(2000);
    await lock.release();
  });

  it('never follows a symlink planted at the lock path, nor takes over a user file there', async () => {
    const dir = fresh();
    mkdirSync(join(dir, '..'), { recursive: true });
    const victim = join(root, `victim-${n}`);
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, lockPathFor(dir));
    await expect(writeBundleToDir(sampleBundle('v1'), dir)).rejects.toThrow(/bundle\.vmonboard-lock is a symbolic link; vmonboard never follows one there/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    rmSync(lockPathFor(dir));
    writeFileSync(lockPathFor(dir), 'my notes\n');
    await expect(writeBundleToDir(sampleBundle('v1'), dir)).rejects.toThrow(/exists and is not a vmonboard lock file/);
    expect(readFileSync(lockPathFor(dir), 'utf8')).toBe('my notes\n');
  });
});
