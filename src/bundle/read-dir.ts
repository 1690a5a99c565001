/**
 * Reads a bundle directory back from disk: for `render --check` (what is committed) and for the
 * directory writer (is this a vmonboard bundle? is a leftover complete?).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
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

/** One entry found on disk, before it is read: its kind only (its mode comes with its bytes, readListedFileAndMode). */
export type ListedEntry = Pick<DiskEntry, 'kind'>;

/**
 * Lists every non-directory entry under `dir` by POSIX relative path with its kind, in byte
 * order, without reading any content. Symlinks are not followed, so a link planted in a committed
 * bundle cannot make us read outside it. The kinds are the directory entries' own (d_type; where
 * a file system gives none, UV_DIRENT_UNKNOWN, Node lstats that entry itself: nodejs/node v20
 * lib/internal/fs/utils.js getDirents, test/parallel/test-fs-utils-get-dirents.js), so listing a
 * fleet's 70,000 files is readdirs alone: an lstat per file was most of `render --check`'s listing.
 */
export function listTree(dir: string): Map<string, ListedEntry> {
  const out = new Map<string, ListedEntry>();
  walkTree(dir, (path, kind) => out.set(path, LISTED[kind]));
  return out;
}

/** listTree, with a directory that is not there listed as empty (what `render --check` compares with). */
export function listTreeOrEmpty(dir: string): Map<string, ListedEntry> {
  try {
    return listTree(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return new Map();
  }
}

/**
 * Calls `visit` for every non-directory entry under `dir`, in byte order of the paths, with the
 * entry's kind (listTree's walk; list-tree-background.ts sends the same walk across threads).
 */
export function walkTree(dir: string, visit: (path: string, kind: ListedEntry['kind']) => void): void {
  const walk = (abs: string, rel: string): void => {
    // Each directory's entries sorted with a directory's name as `name/`: then the walk meets the
    // paths in byte order ("a.txt" before "a/b", since "." < "/"), and the listing needs no sort
    // of its own (a tenth of listing a fleet's 70,000 files).
    const entries = readdirSync(abs, { withFileTypes: true }).map((e) => ({ e, key: e.isDirectory() ? `${e.name}/` : e.name }));
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { e } of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(abs, e.name), r);
      else visit(r, e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other');
    }
  };
  walk(dir, '');
}

/** The entry of each kind, shared: one object per kind rather than per file (350,000 at 5,000 × 4). */
export const LISTED: Readonly<Record<ListedEntry['kind'], ListedEntry>> = {
  file: Object.freeze({ kind: 'file' }),
  symlink: Object.freeze({ kind: 'symlink' }),
  other: Object.freeze({ kind: 'other' }),
};

/** listTree with every regular file's bytes (empty for the others) and every entry's mode. */
export function readTree(dir: string): Map<string, DiskEntry> {
  const out = new Map<string, DiskEntry>();
  for (const [path, e] of listTree(dir)) {
    out.set(path, e.kind === 'file' ? { kind: 'file', ...readListedFileAndMode(dir, path) } : { kind: e.kind, content: Buffer.alloc(0), mode: lstatSync(join(dir, path)).mode & 0o777 });
  }
  return out;
}

/**
 * Reads a file a listing found regular, never through a symlink put there since (O_NOFOLLOW):
 * between the listing and the read, a link planted in the directory would otherwise be followed.
 */
export function readListedFile(dir: string, path: string): Buffer {
  return readListedFileAndMode(dir, path).content;
}

/** readListedFile, with the file's permission bits (mode & 0o777) from the same open file. */
export function readListedFileAndMode(dir: string, path: string): { content: Buffer; mode: number } {
  const fd = openSync(join(dir, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // One fstat gives the mode and the size, which readFileSync would fstat again for.
    const st = fstatSync(fd);
    if (!st.isFile()) return { content: readFileSync(fd), mode: st.mode & 0o777 };
    const content = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < content.length) {
      const r = readSync(fd, content, n, content.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return { content: n === content.length ? content : content.subarray(0, n), mode: st.mode & 0o777 };
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
