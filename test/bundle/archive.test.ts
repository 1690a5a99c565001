/**
 * Bundle archives (issue 6 §3): two builds of the same bundle have the same sha256, for tar.gz
 * and zip; entries are sorted with fixed dates and explicit modes, and the real `tar` and `unzip`
 * extract exactly the bundle.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../src/bundle/bundle.js';
import { gzipDeterministic } from '../../src/bundle/gzip.js';
import { archiveEntries, archiveFormatFor, buildBundleArchive, bundleArchiveFiles, streamArchive, type ArchiveFormat } from '../../src/bundle/archive.js';
import fc from 'fast-check';
import { renderSpecFile } from '../../src/api.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { expectDirHolds, sampleBundle } from './sample-bundle.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-archive-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function extract(format: ArchiveFormat, data: Buffer, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const file = join(root, `${name}.${format}`);
  writeFileSync(file, data);
  if (format === 'tar.gz') execFileSync(requireExecutable('tar', 'tar'), ['-xzf', file, '-C', dir, '--no-same-owner']);
  else execFileSync(requireExecutable('unzip', 'unzip'), ['-q', file, '-d', dir]);
  return dir;
}

describe.each(['tar.gz', 'zip'] as const)('%s', (format) => {
  it('is byte-identical across builds', async () => {
    const a = await buildBundleArchive(sampleBundle('v1'), format);
    const b = await buildBundleArchive(sampleBundle('v1'), format);
    expect(sha(a)).toBe(sha(b));
    expect(sha(await buildBundleArchive(sampleBundle('v2'), format))).not.toBe(sha(a));
  });

  it('extracts to exactly the bundle, modes included', async () => {
    const prev = process.umask(0); // so extraction keeps the archived modes exactly
    try {
      expectDirHolds(extract(format, await buildBundleArchive(sampleBundle('v1'), format), `x-${format}`), sampleBundle('v1'));
    } finally {
      process.umask(prev);
    }
  });

  it('lists directories before their files, in byte order, all dated 2000-01-01 UTC', async () => {
    const data = await buildBundleArchive(sampleBundle('v1'), format);
    const file = join(root, `list.${format}`);
    writeFileSync(file, data);
    const listing =
      format === 'tar.gz'
        ? execFileSync(requireExecutable('tar', 'tar'), ['-tvzf', file, '--utc'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
        : execFileSync(requireExecutable('unzip', 'unzip'), ['-Z', '-T', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const names = listing.split('\n').filter((l) => /^[-d]r/.test(l)).map((l) => l.split(/\s+/).at(-1));
    expect(names).toEqual(['MANIFEST.json', 'README.md', 'cluster/', 'cluster/values/', 'cluster/values/spire.yaml', 'vms/', 'vms/frontend/', 'vms/frontend/web/', 'vms/frontend/web/aws-prod/', 'vms/frontend/web/aws-prod/user-data.yaml', 'vms/frontend/web/aws-prod/verify.sh', 'vms/frontend/web/dc1/', 'vms/frontend/web/dc1/host-key.ref']);
    const stamp = format === 'tar.gz' ? '0/0 +\\d+ 2000-01-01 00:00' : '.* 20000101\\.000000';
    const lines = listing.split('\n').filter((l) => /^[-d]r/.test(l));
    expect(lines.every((l) => new RegExp(stamp).test(l)), listing).toBe(true);
    expect(listing).toMatch(new RegExp(`-rwxr-xr-x +${stamp} vms/frontend/web/aws-prod/verify\\.sh`));
    expect(listing).toMatch(new RegExp(`-rw------- +${stamp} vms/frontend/web/dc1/host-key\\.ref`));
    expect(listing).toMatch(new RegExp(`-rw-r--r-- +${stamp} README\\.md`));
  });
});

describe('archives of a rendered spec', () => {
  it.each(['tar.gz', 'zip'] as const)('two renders of examples/quickstart.yaml give %s archives with equal sha256', async (format) => {
    const render = async (): Promise<Buffer> => {
      const r = await renderSpecFile(join(PROJECT_ROOT, 'examples/quickstart.yaml'));
      if (!r.bundle) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
      return buildBundleArchive(r.bundle, format);
    };
    expect(sha(await render())).toBe(sha(await render()));
  });

  it('streams the tar through gzip with exactly the bytes gzipDeterministic gives the whole tar, from views of byte contents too', async () => {
    // Megabytes in many files, so the tar reaches gzip in many writes; byte contents are views at
    // an offset into a larger buffer, as a parallel render's files are.
    const b = new BundleBuilder();
    const pool = Buffer.alloc(64 * 1024 * 40);
    for (let i = 0; i < pool.length; i++) pool[i] = (i * 2654435761) >>> 27;
    for (let i = 0; i < 40; i++) {
      b.add(`vms/ns/w${i}/p/bootstrap.sh`, `#!/bin/bash\n${`echo ${i} line\n`.repeat(4000)}`, { mode: 0o755 });
      b.add(`vms/ns/w${i}/p/blob.bin`, new Uint8Array(pool.buffer, pool.byteOffset + i * 64 * 1024 + 3, 64 * 1024 - 3));
    }
    const bundle = b.build();
    const streamed = await buildBundleArchive(bundle, 'tar.gz');
    const tar = gunzipSync(streamed);
    expect(tar.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(streamed.equals(gzipDeterministic(tar))).toBe(true);
    expect(streamed[9]).toBe(3); // the OS byte: Unix
    const dir = extract('tar.gz', streamed, 'streamed');
    expect(execFileSync('cmp', [join(dir, 'vms/ns/w7/p/blob.bin'), '-'], { input: Buffer.from(bundle.get('vms/ns/w7/p/blob.bin')!.content as Uint8Array) }).length).toBe(0);
  });

  it('waits for a writer that must wait: no chunk is handed over while the last one is pending, and the bytes are the same', async () => {
    // The writer of `render --archive -` waits for stdout's 'drain' when its buffer is full.
    const b = new BundleBuilder();
    // Bytes gzip cannot shrink, so its output comes in many chunks.
    const pool = randomBytes(30 * 64 * 1024);
    for (let i = 0; i < 30; i++) b.add(`vms/ns/w${i}/p/blob.bin`, pool.subarray(i * 64 * 1024, (i + 1) * 64 * 1024));
    const bundle = b.build();
    const reference = await buildBundleArchive(bundle, 'tar.gz');
    const chunks: Buffer[] = [];
    let waiting = false;
    let overlaps = 0;
    let waits = 0;
    const size = await streamArchive(bundleArchiveFiles(bundle), 'tar.gz', (chunk) => {
      if (waiting) overlaps++;
      chunks.push(Buffer.from(chunk));
      if (chunks.length % 2 === 0) return undefined;
      waiting = true;
      waits++;
      return new Promise<void>((go) =>
        setTimeout(() => {
          waiting = false;
          go();
        }, 2),
      );
    });
    expect(waits).toBeGreaterThan(3);
    expect(overlaps).toBe(0);
    expect(size).toBe(reference.length);
    expect(Buffer.concat(chunks).equals(reference)).toBe(true);
  });

  it('fails with the error of a writer whose wait fails, and hands it nothing more', async () => {
    const b = new BundleBuilder();
    for (let i = 0; i < 30; i++) b.add(`f${i}.txt`, `${i} ${'y'.repeat(200_000)}`);
    let calls = 0;
    await expect(
      streamArchive(bundleArchiveFiles(b.build()), 'zip', () => {
        calls++;
        return Promise.reject(new Error('the reader went away'));
      }),
    ).rejects.toThrow('the reader went away');
    expect(calls).toBe(1);
  });

  it('picks the format from the file name', () => {
    expect([archiveFormatFor('b.tar.gz'), archiveFormatFor('B.TGZ'), archiveFormatFor('b.zip'), archiveFormatFor('b.tar')]).toEqual(['tar.gz', 'tar.gz', 'zip', undefined]);
  });
});

describe('archive entry order (issue 19: made as the archive goes)', () => {
  /** The order the archive had before: every directory and file name sorted together. */
  const reference = (paths: readonly string[]): string[] => {
    const dirs = new Set<string>();
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
    }
    return [...dirs, ...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  };
  // Names with '.', '-' and '_' beside '/' in byte order, where "a/b.txt" < "a/b/" < "a/b/c".
  const segment = fc.stringMatching(/^[ab.\-_]{1,3}$/).filter((s) => s !== '.' && s !== '..');
  const paths = fc
    .uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')), { maxLength: 40 })
    // A bundle never has a file where another file's directory is.
    .map((ps) => ps.filter((p) => !ps.some((q) => q.startsWith(`${p}/`))));

  it('lists each directory once, just before its first file, in the byte order of all names sorted together, whatever order the files come in', () => {
    fc.assert(
      fc.property(paths, fc.boolean(), (ps, shuffle) => {
        const files = (shuffle ? [...ps].reverse() : [...ps].sort()).map((path) => ({ path, mode: 0o644, bytes: () => Buffer.alloc(0) }));
        const entries = [...archiveEntries(files)];
        expect(entries.map(([name]) => name)).toEqual(reference(ps));
        for (const [name, file] of entries) expect(file === undefined ? name.endsWith('/') : file.path === name).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
