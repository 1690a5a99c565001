/**
 * A re-render replaces exactly the files the previous MANIFEST.json lists and keeps everything
 * else in the directory: a `kustomization.yaml`, a `CODEOWNERS`, a `.git`. The kept entries are
 * hard-linked (directories re-created, symlinks re-made) into the new tree before the swap, so the
 * swap stays one rename and the originals stay where they were until it: a run killed before the
 * swap leaves the old directory whole, one killed after it leaves the new one whole.
 */
import { constants, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, type Manifest } from './manifest.js';

/** A kept entry is in the way of a file the new bundle writes; nothing is written. */
export class KeptEntryConflictError extends Error {}

/** Every directory that holds one of `paths` ("a", "a/b" for "a/b/c"). */
function parentDirs(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    let i = p.indexOf('/');
    while (i >= 0) {
      dirs.add(p.slice(0, i));
      i = p.indexOf('/', i + 1);
    }
  }
  return dirs;
}

/**
 * Lists the entries of bundle directory `dir` that its manifest does not list, as relative paths,
 * outermost first: a directory that holds no listed file and no file of the new bundle is kept
 * whole (`.git`), others are walked. Throws KeptEntryConflictError when a kept entry sits where
 * the new bundle writes a file or needs a directory.
 */
export async function listKeptEntries(dir: string, manifest: Manifest, next: { has(path: string): boolean; keys(): Iterable<string> }): Promise<string[]> {
  const listed = new Set(Object.keys(manifest.files));
  listed.add(MANIFEST_FILE);
  const walkInto = new Set([...parentDirs(listed), ...parentDirs(next.keys())]);
  const nextDirs = parentDirs(next.keys());
  const kept: string[] = [];
  const conflicts: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await fsp.readdir(rel ? join(dir, rel) : dir)).sort();
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await fsp.lstat(join(dir, r));
      if (st.isDirectory()) {
        if (walkInto.has(r)) await walk(r);
        else if (next.has(r)) conflicts.push(`${r}/ (a directory where the bundle now writes a file)`);
        else kept.push(r);
        continue;
      }
      if (listed.has(r)) continue; // vmonboard wrote it: replaced
      if (next.has(r)) conflicts.push(`${r} (the bundle now writes a file there)`);
      else if (nextDirs.has(r)) conflicts.push(`${r} (the bundle now needs a directory there)`);
      else kept.push(r);
    }
  };
  await walk('');
  if (conflicts.length > 0) {
    throw new KeptEntryConflictError(
      `${dir} holds entries vmonboard did not write where the new bundle writes: ${conflicts.join(', ')}; move them away and render again (nothing was changed)`,
    );
  }
  return kept;
}

/**
 * Recreates each kept entry of `from` at the same path under `to`: files as hard links (copied with
 * their mode when the file system refuses a link), symlinks as symlinks with the same target,
 * directories with their mode. Missing parents are created 0755. Sockets, FIFOs and devices cannot
 * be recreated faithfully, so they stop the write.
 */
export async function linkKeptEntries(from: string, to: string, kept: readonly string[]): Promise<void> {
  const copy = async (rel: string): Promise<void> => {
    const src = join(from, rel);
    const dst = join(to, rel);
    const st = await fsp.lstat(src);
    if (st.isDirectory()) {
      await fsp.mkdir(dst);
      for (const name of (await fsp.readdir(src)).sort()) await copy(`${rel}/${name}`);
      await fsp.chmod(dst, st.mode & 0o7777);
    } else if (st.isSymbolicLink()) {
      await fsp.symlink(await fsp.readlink(src), dst);
    } else if (st.isFile()) {
      try {
        await fsp.link(src, dst);
      } catch {
        await fsp.copyFile(src, dst, constants.COPYFILE_EXCL);
        await fsp.chmod(dst, st.mode & 0o7777);
      }
    } else {
      throw new KeptEntryConflictError(`${src} is a socket, FIFO or device, which vmonboard cannot carry into the new bundle; move it away and render again (nothing was changed)`);
    }
  };
  for (const rel of kept) {
    const parent = rel.split('/').slice(0, -1);
    let cur = to;
    for (const part of parent) {
      cur = join(cur, part);
      await fsp.mkdir(cur, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    await copy(rel);
  }
}

/** Formats the stderr note naming what a render kept (at most ten names, then a count). */
export function formatKept(dir: string, kept: readonly string[]): string {
  const shown = kept.slice(0, 10).join(', ');
  const more = kept.length > 10 ? ` and ${kept.length - 10} more` : '';
  return `kept ${kept.length} ${kept.length === 1 ? 'entry' : 'entries'} in ${dir} that vmonboard did not write: ${shown}${more}`;
}
