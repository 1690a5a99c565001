/**
 * Reads a bundle directory back from disk: for `render --check` (what is committed) and for the
 * directory writer (is this a vmonboard bundle? is a leftover complete?).
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest, sha256Hex, type Manifest } from './manifest.js';

/** One entry found on disk. Symlinks and other non-regular files are reported, never followed. */
export interface DiskEntry {
  kind: 'file' | 'symlink' | 'other';
  /** File bytes (empty for non-files). */
  content: Buffer;
  /** Permission bits (mode & 0o777). */
  mode: number;
}

/** One entry found on disk, before its content is read. */
export type ListedEntry = Omit<DiskEntry, 'content'>;

/**
 * Lists every non-directory entry under `dir` by POSIX relative path with its kind and mode, in
 * byte order, without reading any content. Symlinks are not followed, so a link planted in a
 * committed bundle cannot make us read outside it.
 */
export function listTree(dir: string): Map<string, ListedEntry> {
  const out = new Map<string, ListedEntry>();
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, r);
      else out.set(r, { kind: st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other', mode: st.mode & 0o777 });
    }
  };
  walk(dir, '');
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** listTree with every regular file's bytes (empty for the others). */
export function readTree(dir: string): Map<string, DiskEntry> {
  const out = new Map<string, DiskEntry>();
  for (const [path, e] of listTree(dir)) out.set(path, { ...e, content: e.kind === 'file' ? readListedFile(dir, path) : Buffer.alloc(0) });
  return out;
}

/**
 * Reads a file a listing found regular, never through a symlink put there since (O_NOFOLLOW):
 * between the lstat and the read, a link planted in the directory would otherwise be followed.
 */
export function readListedFile(dir: string, path: string): Buffer {
  const fd = openSync(join(dir, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What is at a path where a bundle should go. */
export type DirState =
  | { kind: 'missing' }
  | { kind: 'not-a-directory' }
  | { kind: 'empty' }
  | { kind: 'bundle'; manifest: Manifest }
  | { kind: 'foreign' };

/**
 * Classifies `dir`: missing, not a directory (a file or a symlink: never replaced), empty, a
 * vmonboard bundle (it has a vmonboard MANIFEST.json), or foreign (anything else).
 */
export function inspectDir(dir: string): DirState {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  if (!st.isDirectory()) return { kind: 'not-a-directory' };
  const names = readdirSync(dir);
  if (names.length === 0) return { kind: 'empty' };
  if (!names.includes(MANIFEST_FILE)) return { kind: 'foreign' };
  const mst = lstatSync(join(dir, MANIFEST_FILE));
  const manifest = mst.isFile() ? parseManifest(readListedFile(dir, MANIFEST_FILE).toString('utf8')) : undefined;
  return manifest ? { kind: 'bundle', manifest } : { kind: 'foreign' };
}

/**
 * True when `dir` holds every file its MANIFEST.json lists, with matching sha256 and modes: a
 * complete bundle. Other entries (a user's files, which a re-render keeps) do not count. The
 * writer writes MANIFEST.json last, so a half-written one never passes.
 */
export function isCompleteBundle(dir: string): boolean {
  const state = inspectDir(dir);
  if (state.kind !== 'bundle') return false;
  const tree = readTree(dir);
  const listed = Object.entries(state.manifest.files);
  return listed.every(([path, e]) => {
    const f = tree.get(path);
    return f?.kind === 'file' && sha256Hex(f.content) === e.sha256 && `0${f.mode.toString(8)}` === e.mode;
  });
}
