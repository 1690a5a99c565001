/**
 * Reading a bundle directory back (src/bundle/read-dir.ts): links are listed, never followed, and
 * a file is read without following a link planted at its path after it was listed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listTree, readListedFile, readListedFileAndMode, readTree } from '../../src/bundle/read-dir.js';

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
});
