/**
 * Reading a bundle directory back (src/bundle/read-dir.ts): links are listed, never followed, and
 * a file is read without following a link planted at its path after it was listed.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listTree, readListedFile, readListedFileAndMode, readTree, walkTree } from '../../src/bundle/read-dir.js';
import { addListed, KIND_LETTER, type ListingMessage } from '../../src/bundle/listing-message.js';
import fc from 'fast-check';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-read-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('read-dir', () => {
  it('lists a planted link as a link and reads no byte through it', () => {
    const dir = join(root, 'listed');
    mkdirSync(join(dir, 'vms'), { recursive: true });
    writeFileSync(join(dir, 'vms/a.sh'), 'echo a\n', { mode: 0o755 });
    writeFileSync(join(root, 'secret'), 'not the bundle\n');
    symlinkSync(join(root, 'secret'), join(dir, 'vms/b.sh'));
    const tree = readTree(dir);
    expect([...tree.keys()]).toEqual(['vms/a.sh', 'vms/b.sh']);
    expect(tree.get('vms/a.sh')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(tree.get('vms/a.sh')!.content.toString()).toBe('echo a\n');
    expect(tree.get('vms/b.sh')).toMatchObject({ kind: 'symlink' });
    expect(tree.get('vms/b.sh')!.content.length).toBe(0);
  });

  it('lists kinds in byte order from the directory entries, and reads each file with the mode it has when read', () => {
    const dir = join(root, 'kinds');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a/b'), 'b\n', { mode: 0o644 });
    writeFileSync(join(dir, 'a-c'), '');
    chmodSync(join(dir, 'a-c'), 0o755);
    symlinkSync('a', join(dir, 'link-to-dir'));
    // '-' (0x2d) sorts before '/' (0x2f): a-c comes before a/b, though the walk meets a/ first.
    expect([...listTree(dir)]).toEqual([
      ['a-c', { kind: 'file' }],
      ['a/b', { kind: 'file' }],
      ['link-to-dir', { kind: 'symlink' }],
    ]);
    expect(readListedFileAndMode(dir, 'a-c')).toEqual({ content: Buffer.alloc(0), mode: 0o755 });
    chmodSync(join(dir, 'a/b'), 0o700);
    expect(readListedFileAndMode(dir, 'a/b')).toEqual({ content: Buffer.from('b\n'), mode: 0o700 });
    const big = 'x'.repeat(3 * 65536 + 7);
    writeFileSync(join(dir, 'a/b'), big);
    expect(readListedFile(dir, 'a/b').toString()).toBe(big);
  });

  it('refuses to read through a link planted where a listed file was', () => {
    const dir = join(root, 'swapped');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'MANIFEST.json'), '{}\n');
    const listed = listTree(dir);
    expect(listed.get('MANIFEST.json')?.kind).toBe('file');
    // Swapped for a link between the listing and the read.
    unlinkSync(join(dir, 'MANIFEST.json'));
    symlinkSync(join(root, 'secret'), join(dir, 'MANIFEST.json'));
    expect(() => readListedFile(dir, 'MANIFEST.json')).toThrow(/ELOOP|symbolic link/);
  });

  it('walks any tree in byte order of its paths without sorting them all at the end (names that are prefixes of each other, dirs and files alike)', () => {
    // Names chosen around '/' (0x2f): '-', '.', '0' and ' ' sort on either side of it.
    const names = fc.constantFrom('a', 'a.txt', 'a-b', 'a0', 'ab', 'a b', 'é', 'Z', 'b');
    fc.assert(
      fc.property(fc.uniqueArray(fc.array(names, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12, selector: (p) => p.join('/') }), (paths) => {
        const dir = mkdtempSync(join(root, 'order-'));
        try {
          for (const p of paths) {
            // A name already made a file cannot hold a file below it, and the reverse: skip those.
            try {
              mkdirSync(join(dir, ...p.slice(0, -1)), { recursive: true });
              writeFileSync(join(dir, ...p), '');
            } catch {
              /* a clash of kinds, not a path to list */
            }
          }
          const everything = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ isDirectory(): boolean; parentPath?: string; path?: string; name: string }>)
            .filter((e) => !e.isDirectory())
            .map((e) => join(e.parentPath ?? e.path!, e.name).slice(dir.length + 1));
          const listed = [...listTree(dir).keys()];
          expect(listed).toEqual([...everything].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('carries a listing across threads as bytes: every kind, multi-byte names, entries split over messages', () => {
    const dir = join(root, 'message');
    mkdirSync(join(dir, 'vms/é'), { recursive: true });
    writeFileSync(join(dir, 'vms/é/ünïcode ✓.sh'), '');
    writeFileSync(join(dir, 'a'), '');
    symlinkSync('a', join(dir, 'link'));
    // What list-tree-worker.ts does, into messages of two entries each.
    const messages: ListingMessage[] = [];
    let pending: string[] = [];
    const post = (done: boolean): void => {
      const bytes = Buffer.from(pending.map((e) => `${e}\0`).join(''), 'utf8');
      messages.push({ buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, length: bytes.length, done });
      pending = [];
    };
    walkTree(dir, (path, kind) => {
      pending.push(KIND_LETTER[kind] + path);
      if (pending.length === 2) post(false);
    });
    post(true);
    expect(messages.length).toBeGreaterThan(1);
    const out = new Map();
    for (const m of messages) addListed(out, m);
    expect([...out]).toEqual([...listTree(dir)]);
    expect(out.get('vms/é/ünïcode ✓.sh')).toEqual({ kind: 'file' });
    expect(out.get('link')).toEqual({ kind: 'symlink' });
    // A letter that is no kind is an internal error, never a silent entry.
    const bad = Buffer.from('xoops\0');
    expect(() => addListed(new Map(), { buffer: bad.buffer.slice(bad.byteOffset, bad.byteOffset + bad.length) as ArrayBuffer, length: bad.length, done: true })).toThrow(/unknown kind "x"/);
  });
});
