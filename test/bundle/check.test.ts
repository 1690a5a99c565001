/**
 * Drift detection for `render --check` (issue 6 §2): content and the executable bit only, as
 * Git keeps them, with added, removed and changed files and a short diff naming the lines.
 */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBundleWithDir, formatDrift, isUpToDate } from '../../src/bundle/check.js';
import { clipLine, MAX_LINE, readableDiff } from '../../src/bundle/drift-diff.js';
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
      { path: 'cluster/values/spire.yaml', diff: ['@@ -2,3 +2,3 @@', ' global:', '   spire:', '-    trustDomain: "example.orG"', '+    trustDomain: "example.org"'] },
    ]);
    expect(formatDrift(drift, 'bundle')).toContain('  changed: cluster/values/spire.yaml\n');
  });

  it('lists added and removed files', async () => {
    const dir = join(root, `case-${++n}`);
    await writeBundleToDir(sampleBundle('v1', { 'vms/frontend/web/stray.txt': 'x' }), dir);
    unlinkSync(join(dir, 'README.md'));
    const drift = compareBundleWithDir(sampleBundle('v1'), dir);
    expect(drift.added).toEqual(['README.md']);
    expect(drift.removed).toEqual(['vms/frontend/web/stray.txt']);
    expect(formatDrift(drift, 'bundle')).toMatch(/bundle is out of date: \d+ files differ[\s\S]*added: {3}README\.md[\s\S]*removed: vms\/frontend\/web\/stray\.txt/);
  });

  it('ignores entries the committed MANIFEST.json does not list (issue 15 §2: a render keeps them)', async () => {
    const dir = await written();
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\n');
    writeFileSync(join(dir, 'vms/frontend/web/notes.txt'), 'mine\n');
    expect(compareBundleWithDir(sampleBundle('v1'), dir)).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports a lost executable bit but ignores other mode bits, which Git does not keep', async () => {
    const dir = await written();
    chmodSync(join(dir, 'vms/frontend/web/dc1/host-key.ref'), 0o644); // 0600 in the bundle: a clone gives 0644
    chmodSync(join(dir, 'cluster/values/spire.yaml'), 0o664);
    expect(isUpToDate(compareBundleWithDir(sampleBundle('v1'), dir))).toBe(true);
    chmodSync(join(dir, 'vms/frontend/web/aws-prod/verify.sh'), 0o644);
    expect(compareBundleWithDir(sampleBundle('v1'), dir).changed).toEqual([
      { path: 'vms/frontend/web/aws-prod/verify.sh', diff: ['executable bit: not set on disk (0644), expected set (0755)'] },
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

describe('readableDiff', () => {
  it('is a minimal line diff: two changed lines among unchanged ones are two - and two + lines', () => {
    const a = Buffer.from(['A=1', 'B=2', 'C=3', 'D=4', 'E=5', 'F=6', 'G=7'].join('\n') + '\n');
    const b = Buffer.from(['A=1', 'B=2', 'C=30', 'D=4', 'E=50', 'F=6', 'G=7'].join('\n') + '\n');
    expect(readableDiff('x.env', a, b)).toEqual(['@@ -1,7 +1,7 @@', ' A=1', ' B=2', '-C=3', '+C=30', ' D=4', '-E=5', '+E=50', ' F=6', ' G=7']);
  });

  it('marks a missing final newline and summarises binary content by size', () => {
    expect(readableDiff('x', Buffer.from('x\n'), Buffer.from('x'))).toEqual(['@@ -1,1 +1,1 @@', '-x', '+x', '\\ No newline at end of file']);
    expect(readableDiff('x', Buffer.from([0, 1, 2]), Buffer.from([0, 1]))).toEqual(['binary content differs (3 → 2 bytes)']);
  });

  it('diffs an encoded payload by its decoded content and keeps every line short', () => {
    const script = (port: number): string => Array.from({ length: 200 }, (_, i) => (i === 100 ? `PORT=${port}` : `echo line ${i} of a long bootstrap script`)).join('\n') + '\n';
    const doc = (port: number): Buffer => Buffer.from(`#cloud-config\nwrite_files:\n  - path: /x.sh\n    encoding: gz+b64\n    content: "${gzipSync(script(port)).toString('base64')}"\n`);
    const d = readableDiff('vms/a/b/user-data.yaml', doc(1), doc(2));
    expect(d.every((l) => l.length < MAX_LINE)).toBe(true);
    expect(d.filter((l) => /^[-+]PORT=/.test(l))).toEqual(['-PORT=1', '+PORT=2']);
    expect(d).toContain('decoded encoded payload #1:');
    expect(d.filter((l) => l.startsWith('-') || l.startsWith('+'))).toHaveLength(4); // the placeholder line and PORT
  });

  it('summarises MANIFEST.json by entry', () => {
    const m = (sha: string): Buffer => Buffer.from(JSON.stringify({ apiVersion: 'vmonboard.bundle/v1', files: { 'a.txt': { sha256: 'a'.repeat(64), mode: '0644' }, 'b.txt': { sha256: sha, mode: '0644' } } }, null, 2));
    expect(readableDiff('MANIFEST.json', m('1'.repeat(64)), m('2'.repeat(64)))).toEqual(['MANIFEST.json: 1 entry differs', 'entry changed: b.txt (sha256 111111111111… → 222222222222…)']);
  });

  it('clips long lines below MAX_LINE characters, saying how long they were', () => {
    const l = clipLine('x'.repeat(5000));
    expect(l.length).toBeLessThan(MAX_LINE);
    expect(l).toMatch(/ … \(5000 characters\)$/);
  });
});
