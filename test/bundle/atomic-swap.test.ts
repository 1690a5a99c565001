/**
 * The atomic swap under failure (issue 6 §1): an error injected at each step, and a real run
 * (a child process) SIGKILLed at each step, followed by recovery and a new run. `<dir>` must
 * always end up holding one complete bundle, old or new.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundleToDir, type WriteStep } from '../../src/bundle/write-dir.js';
import { findLeftovers, recoverBundleDir } from '../../src/bundle/recover.js';
import { expectDirHolds, sampleBundle } from './sample-bundle.js';
import { killWriterAt } from './kill-writer.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-swap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `case-${++n}`, 'bundle');

const OLD = sampleBundle('old');
const NEW = sampleBundle('new');
const NEWER = sampleBundle('newer');

/** Where to interrupt: a step, and for write-file which file (first, a middle one, the manifest). */
const POINTS: Array<{ step: WriteStep; path?: string; name: string }> = [
  { step: 'write-file', path: 'README.md', name: 'before the first file' },
  { step: 'write-file', path: 'vms/frontend/web/aws-prod/verify.sh', name: 'between files' },
  { step: 'write-file', path: 'MANIFEST.json', name: 'before the manifest (last file)' },
  { step: 'rename-old', name: 'before renaming the old bundle away' },
  { step: 'rename-new', name: 'between the two renames' },
  { step: 'delete-old', name: 'before deleting the old bundle' },
];
const hits = (p: (typeof POINTS)[number]) => (step: WriteStep, path?: string) => step === p.step && (p.path === undefined || p.path === path);

describe('an error at each step', () => {
  it.each(POINTS)('$name: the target keeps a complete bundle and nothing is left behind', async (p) => {
    const dir = fresh();
    await writeBundleToDir(OLD, dir);
    const write = writeBundleToDir(NEW, dir, {
      beforeStep: (step, path) => {
        if (hits(p)(step, path)) throw new Error(`injected failure at ${step}`);
      },
    });
    if (p.step === 'delete-old') {
      // The new bundle is already in place; failing to delete the old copy is only a warning.
      const r = await write;
      expect(r.warnings.join('\n')).toMatch(/could not delete bundle\.old-[0-9a-f]{16} \(injected failure at delete-old\); the next render removes it/);
      expectDirHolds(dir, NEW);
      expect(findLeftovers(dir).old).toHaveLength(1);
    } else {
      await expect(write).rejects.toThrow(`injected failure at ${p.step}`);
      expectDirHolds(dir, OLD);
      expect(findLeftovers(dir)).toEqual({ tmp: [], old: [] });
    }
    // The next run recovers whatever is left and writes normally.
    const next = await writeBundleToDir(NEWER, dir);
    expectDirHolds(dir, NEWER);
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']);
    if (p.step === 'delete-old') expect(next.recovered).toEqual([expect.stringMatching(/^removed bundle\.old-[0-9a-f]{16} left by an interrupted run$/)]);
  });
});

/** Kills a real writer (a child process) at point `p`: every write of it stops, as in a crash. */
const killAt = (dir: string, p: (typeof POINTS)[number]): Promise<void> => killWriterAt(NEW, dir, p.step, p.path);

describe('a run killed at each step', () => {
  it.each(POINTS)('$name: recovery leaves a complete bundle, old or new, and a new run succeeds', async (p) => {
    const dir = fresh();
    await writeBundleToDir(OLD, dir);
    await killAt(dir, p);
    const actions = recoverBundleDir(dir);
    // Before the second rename the old bundle is the complete one; after it, the new one.
    expectDirHolds(dir, p.step === 'delete-old' ? NEW : OLD);
    expect(findLeftovers(dir)).toEqual({ tmp: [], old: [] });
    if (p.step === 'rename-new') expect(actions[0]).toMatch(/^restored the previous bundle from bundle\.old-[0-9a-f]{16}/);
    await writeBundleToDir(NEWER, dir);
    expectDirHolds(dir, NEWER);
  });

  it('between the two renames, with no bundle at <dir>: the next run itself recovers, then swaps', async () => {
    const dir = fresh();
    await writeBundleToDir(OLD, dir);
    await killAt(dir, POINTS.find((x) => x.step === 'rename-new')!);
    expect(existsSync(dir)).toBe(false); // the moment a kill would leave: old renamed away, new not in place
    expect(findLeftovers(dir).old).toHaveLength(1);
    expect(findLeftovers(dir).tmp).toHaveLength(1);
    const r = await writeBundleToDir(NEWER, dir);
    expect(r.recovered).toHaveLength(2); // restored old, removed the unfinished temp dir
    expectDirHolds(dir, NEWER);
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']);
  });

  it('a first render killed mid-write leaves no bundle and no debris after recovery', async () => {
    const dir = fresh();
    await killAt(dir, POINTS[1]!);
    recoverBundleDir(dir);
    // The dead run's lock file stays (the kernel dropped its lock); the next render removes it.
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle.vmonboard-lock']);
    await writeBundleToDir(NEW, dir);
    expectDirHolds(dir, NEW);
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']);
  });

  it('never touches neighbours that only look like leftovers', async () => {
    const dir = fresh();
    await writeBundleToDir(OLD, dir);
    for (const name of ['bundle.old-backup', 'bundle.tmp-1', 'bundle.old-0123456789ABCDEF']) await writeBundleToDir(OLD, join(dir, '..', name));
    await writeBundleToDir(NEW, dir);
    expect(readdirSync(join(dir, '..')).sort()).toEqual(['bundle', 'bundle.old-0123456789ABCDEF', 'bundle.old-backup', 'bundle.tmp-1']);
  });
});
