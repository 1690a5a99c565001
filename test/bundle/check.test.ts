/**
 * Drift detection for `render --check` (issue 6 §2): content and the executable bit only, as
 * Git keeps them, with added, removed and changed files and a short diff naming the lines.
 */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBundleWithDir, formatDrift, isUpToDate } from '../../src/bundle/check.js';
import { shortDiff } from '../../src/bundle/short-diff.js';
import { writeBundleToDir } from '../../src/bundle/write-dir.js';
import { sampleBundle } from './sample-bundle.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
async function written(): Promise<string> {
  const dir = join(root, `case-${++n}`);
  await writeBundleToDir(sampleBundle('v1'), dir);
  return dir;
}

describe('compareBundleWithDir', () => {
  it('finds no drift in a fresh render', async () => {
    const dir = await written();
    expect(isUpToDate(compareBundleWithDir(sampleBundle('v1'), dir))).toBe(true);
  });

  it('names the file and the line after one changed byte', async () => {
    const dir = await written();
    const p = join(dir, 'cluster/values/spire.yaml');
    writeFileSync(p, '# v1\nglobal:\n  spire:\n    trustDomain: "example.orG"\n');
    const drift = compareBundleWithDir(sampleBundle('v1'), dir);
    expect(drift.added).toEqual([]);
    expect(drift.removed).toEqual([]);
    expect(drift.changed).toEqual([
      { path: 'cluster/values/spire.yaml', diff: ['@@ line 4 @@', '  global:', '    spire:', '-     trustDomain: "example.orG"', '+     trustDomain: "example.org"'] },
    ]);
    expect(formatDrift(drift, 'bundle')).toContain('  changed: cluster/values/spire.yaml\n');
  });

  it('lists added and removed files', async () => {
    const dir = join(root, `case-${++n}`);
    await writeBundleToDir(sampleBundle('v1', { 'vms/web/stray.txt': 'x' }), dir);
    unlinkSync(join(dir, 'README.md'));
    const drift = compareBundleWithDir(sampleBundle('v1'), dir);
    expect(drift.added).toEqual(['README.md']);
    expect(drift.removed).toEqual(['vms/web/stray.txt']);
    expect(formatDrift(drift, 'bundle')).toMatch(/bundle is out of date: \d+ files differ[\s\S]*added: {3}README\.md[\s\S]*removed: vms\/web\/stray\.txt/);
  });

  it('ignores entries the committed MANIFEST.json does not list (issue 15 §2: a render keeps them)', async () => {
    const dir = await written();
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\n');
    writeFileSync(join(dir, 'vms/web/notes.txt'), 'mine\n');
    expect(compareBundleWithDir(sampleBundle('v1'), dir)).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports a lost executable bit but ignores other mode bits, which Git does not keep', async () => {
    const dir = await written();
    chmodSync(join(dir, 'vms/web/dc1/host-key.ref'), 0o644); // 0600 in the bundle: a clone gives 0644
    chmodSync(join(dir, 'cluster/values/spire.yaml'), 0o664);
    expect(isUpToDate(compareBundleWithDir(sampleBundle('v1'), dir))).toBe(true);
    chmodSync(join(dir, 'vms/web/aws-prod/verify.sh'), 0o644);
    expect(compareBundleWithDir(sampleBundle('v1'), dir).changed).toEqual([
      { path: 'vms/web/aws-prod/verify.sh', diff: ['executable bit: not set on disk (0644), expected set (0755)'] },
    ]);
  });

  it('treats a symlink where a file belongs as changed, without following it', async () => {
    const dir = await written();
    unlinkSync(join(dir, 'README.md'));
    symlinkSync('/etc/passwd', join(dir, 'README.md'));
    expect(compareBundleWithDir(sampleBundle('v1'), dir).changed[0]).toEqual({ path: 'README.md', diff: ['is a symbolic link on disk, expected a regular file'] });
  });

  it('counts a missing directory as empty', () => {
    expect(compareBundleWithDir(sampleBundle('v1'), join(root, 'nope')).added).toHaveLength(sampleBundle('v1').size);
  });
});

describe('shortDiff', () => {
  it('caps long changes and marks a missing final newline', () => {
    const a = Buffer.from(Array.from({ length: 40 }, (_, i) => `a${i}`).join('\n') + '\n');
    const b = Buffer.from(Array.from({ length: 40 }, (_, i) => `b${i}`).join('\n'));
    const d = shortDiff(a, b, 6);
    expect(d).toEqual(['@@ line 1 @@', '- a0', '- a1', '- a2', '- a3', '- a4', '- a5', '  … 74 more diff lines']);
    expect(shortDiff(Buffer.from('x\n'), Buffer.from('x'))).toEqual(['@@ line 1 @@', '- x', '+ x (no newline at end of file)']);
  });

  it('summarises binary content by size', () => {
    expect(shortDiff(Buffer.from([0, 1, 2]), Buffer.from([0, 1]))).toEqual(['binary content differs (3 → 2 bytes)']);
  });
});
