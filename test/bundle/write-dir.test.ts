/**
 * The directory writer's contract (issue 6 §1): exact modes whatever the umask, identical trees
 * from identical bundles, replacement of an earlier bundle, and refusal to replace anything that
 * is not a vmonboard bundle unless forced.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotABundleError, syncFileSystem, writeBundleToDir } from '../../src/bundle/write-dir.js';
import { readTree } from '../../src/bundle/read-dir.js';
import { expectDirHolds, sampleBundle } from './sample-bundle.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-write-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `case-${++n}`, 'bundle');

describe('writeBundleToDir', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask();
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('writes every file with its exact mode (0755 scripts, 0644 configs, 0600 sensitive) under any umask', async () => {
    for (const mask of [0o077, 0o000, 0o022]) {
      process.umask(mask);
      const dir = fresh();
      const b = sampleBundle('v1');
      const r = await writeBundleToDir(b, dir);
      expect(r).toEqual({ files: b.size, recovered: [], warnings: [], kept: [] });
      expectDirHolds(dir, b);
      // Directories too: 0755 whatever the umask (so a clone or a copy sees the same tree).
      const dirs = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory());
      expect(dirs.length).toBeGreaterThan(2);
      for (const d of dirs) expect(lstatSync(join(d.parentPath ?? d.path, d.name)).mode & 0o777, `${d.name} under umask ${mask.toString(8)}`).toBe(0o755);
      expect(readdirSync(join(dir, '..'))).toEqual(['bundle']); // no temp or old directory left beside it
    }
  });

  it('writes a text of several megabytes as its exact UTF-8, a surrogate pair across each 1 MiB slice included', async () => {
    const dir = fresh();
    // '😀' is two UTF-16 units; starting at an odd offset puts one pair across every slice boundary.
    const text = `x${'😀'.repeat(1_500_000)}é\n`;
    const b = sampleBundle('v1', { 'docs/big.md': text });
    await writeBundleToDir(b, dir);
    expect(readFileSync(join(dir, 'docs/big.md')).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('gives byte-identical trees for the same bundle, whatever scratch id each run used', async () => {
    const a = fresh();
    const b = fresh();
    await writeBundleToDir(sampleBundle('v1'), a);
    await writeBundleToDir(sampleBundle('v1'), b);
    await writeBundleToDir(sampleBundle('v1'), b); // replacing with the same content
    const ta = readTree(a);
    const tb = readTree(b);
    expect([...tb.entries()].map(([p, e]) => [p, e.mode, e.content.toString('hex')])).toEqual([...ta.entries()].map(([p, e]) => [p, e.mode, e.content.toString('hex')]));
  });

  it('replaces an earlier bundle completely: files no longer rendered disappear', async () => {
    const dir = fresh();
    await writeBundleToDir(sampleBundle('v1', { 'vms/old/dc1/install.sh': '#!/bin/sh\n' }), dir);
    const v2 = sampleBundle('v2');
    await writeBundleToDir(v2, dir);
    expectDirHolds(dir, v2);
  });

  it('accepts a missing or empty directory', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    await writeBundleToDir(sampleBundle('v1'), dir);
    expectDirHolds(dir, sampleBundle('v1'));
  });

  it('refuses a non-empty directory that is not a bundle, and leaves it alone', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    await expect(writeBundleToDir(sampleBundle('v1'), dir)).rejects.toThrow(NotABundleError);
    await expect(writeBundleToDir(sampleBundle('v1'), dir)).rejects.toThrow(/not a vmonboard bundle .*--force/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']);
  });

  it('treats a MANIFEST.json of another tool as foreign', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'MANIFEST.json'), '{"kind":"SomethingElse"}\n');
    await expect(writeBundleToDir(sampleBundle('v1'), dir)).rejects.toThrow(NotABundleError);
  });

  it('replaces a foreign directory with force', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'notes.txt'), 'mine\n');
    await writeBundleToDir(sampleBundle('v1'), dir, { force: true });
    expectDirHolds(dir, sampleBundle('v1'));
  });

  it('never replaces a file or a symlink, even with force', async () => {
    const file = fresh();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'a file\n');
    await expect(writeBundleToDir(sampleBundle('v1'), file, { force: true })).rejects.toThrow(/not a directory/);
    const target = fresh();
    await writeBundleToDir(sampleBundle('v1'), target);
    const link = fresh();
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(target, link);
    await expect(writeBundleToDir(sampleBundle('v2'), link, { force: true })).rejects.toThrow(/not a directory/);
    expectDirHolds(target, sampleBundle('v1'));
  });
});

describe('syncFileSystem (the durability step before the swap)', () => {
  it('flushes the file system with one syncfs on Linux, so the per-file fsync fallback is not taken', async () => {
    // CI runs on Linux with coreutils: the fast path must really be taken there.
    expect(process.platform).toBe('linux');
    expect(await syncFileSystem(root)).toBe(true);
  });

  it('falls back to fsyncing every file and directory it wrote, by their paths in the temp tree', async () => {
    // The fallback opens each file it fsyncs and fails the write when one cannot be opened, so a
    // wrong path (the list keeps paths relative to the temp tree) fails this test.
    const dir = fresh();
    await writeBundleToDir(sampleBundle('v1'), dir, { syncBinaries: ['/nonexistent/bin/sync'] });
    expectDirHolds(dir, sampleBundle('v1'));
    expect([...sampleBundle('v1').keys()].some((p) => p.split('/').length > 2)).toBe(true);
  });

  it('reports false, without throwing, when it cannot flush (no sync binary, or sync fails)', async () => {
    expect(await syncFileSystem(root, ['/nonexistent/bin/sync'])).toBe(false);
    expect(await syncFileSystem(join(root, 'no-such-directory'))).toBe(false);
  });
});
