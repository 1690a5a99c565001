/**
 * The temp tree remembers only the directories it made lately (issue 19: a fleet's 150,000
 * directories were 16 MB of strings). A directory it forgot and meets again is accepted only as
 * the directory it is; before it forgets anything, and for anything that is not a directory,
 * creation stays exclusive.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REMEMBERED_DIRS, TempTree } from '../../src/bundle/temp-tree.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-temp-tree-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshTree = (): TempTree => {
  const dir = join(root, `t${n++}`);
  mkdirSync(dir);
  return new TempTree(dir);
};

describe('TempTree', () => {
  it('writes into a directory it made and forgot, and lists every directory once for the fsync fallback', () => {
    const tree = freshTree();
    tree.writeNow('vms/a/first.sh', '#!/bin/sh\n', 0o755);
    // More directories than it remembers, so vms/a is forgotten.
    for (let i = 0; i <= REMEMBERED_DIRS; i++) tree.writeNow(`vms/d${i}/f`, `${i}\n`, 0o644);
    tree.writeNow('vms/a/second.yaml', 'b: 2\n', 0o600);
    expect(readFileSync(join(tree.root, 'vms/a/first.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(statSync(join(tree.root, 'vms/a/second.yaml')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(tree.root, `vms/d${REMEMBERED_DIRS}/f`), 'utf8')).toBe(`${REMEMBERED_DIRS}\n`);
    const { files, dirs } = tree.fullPaths();
    expect(files).toHaveLength(REMEMBERED_DIRS + 3);
    expect(dirs.at(-1)).toBe(tree.root);
    expect(new Set(dirs).size).toBe(dirs.length);
    expect(dirs).toHaveLength(1 + 1 + 1 + (REMEMBERED_DIRS + 1));
    expect(dirs).toContain(join(tree.root, 'vms/a'));
    for (const d of dirs) expect(lstatSync(d).isDirectory()).toBe(true);
  });

  it('refuses a directory it did not make while it has forgotten nothing', () => {
    const tree = freshTree();
    mkdirSync(join(tree.root, 'vms'));
    expect(() => tree.writeNow('vms/a/f', 'x\n', 0o644)).toThrow(/EEXIST/);
  });

  it('refuses a symbolic link where a forgotten directory was, and never writes through it', () => {
    const tree = freshTree();
    tree.writeNow('vms/a/f', 'x\n', 0o644);
    for (let i = 0; i <= REMEMBERED_DIRS; i++) tree.writeNow(`vms/d${i}/f`, 'y\n', 0o644);
    const elsewhere = join(root, `elsewhere-${n}`);
    mkdirSync(elsewhere);
    rmSync(join(tree.root, 'vms/a'), { recursive: true });
    symlinkSync(elsewhere, join(tree.root, 'vms/a'));
    expect(() => tree.writeNow('vms/a/g', 'z\n', 0o644)).toThrow(/EEXIST/);
    expect(() => lstatSync(join(elsewhere, 'g'))).toThrow(/ENOENT/);
  });
});
