/**
 * A tree of files vmonboard creates itself, written one file at a time with exact modes: the
 * temp tree of a directory write (write-dir.ts) and the scratch tree of a streamed archive
 * (scratch-tree.ts). Nothing in it is followed or replaced: every file is created with
 * O_EXCL|O_NOFOLLOW and every directory with mkdir, which fails on anything already there.
 */
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileMode } from './bundle.js';

/**
 * The temp tree of one write: the files written so far and the directories made. Every file goes
 * through writeNow, synchronously: a fleet's streamed files arrive on the main thread between
 * worker messages, and a synchronous write is a few system calls where the promise API made four
 * round trips to the thread pool per file (a fleet's tens of thousands of files took longer to
 * write that way than to render).
 */
export class TempTree {
  /**
   * The files written so far, relative to root, for the per-file fsync fallback (makeDurable).
   * Relative, because a file's path is the same string its manifest entry is keyed by, so
   * listing it costs one array slot; a full path per file was a string of its own (47 MB for the
   * 350,000 files of a 5,000 × 4 fleet).
   */
  readonly files: string[] = [];
  /**
   * Directories made lately, so each file does not try its parents again. Bounded (REMEMBERED_DIRS):
   * a fleet's files come VM by VM, and the 150,000 directories of 5,000 × 4 were 16 MB of
   * strings on the main thread. A directory forgotten and met again is checked on disk instead.
   */
  private made = new Set<string>();
  /** True once `made` was cleared: only then may a directory already be there (one this tree made). */
  private forgot = false;

  constructor(readonly root: string) {}

  /**
   * Whether the process umask leaves a creation mode whole, learned from the first file made with
   * it (and the first directory): then the chmod that would restore stripped bits is skipped, one
   * system call in four per file for a fleet's tens of thousands of files.
   */
  private readonly fileModeKept = new Map<number, boolean>();
  private dirModeKept: boolean | undefined;

  /** Writes one file now, with its exact mode; never follows or replaces anything (O_EXCL|O_NOFOLLOW). */
  writeNow(path: string, content: string | Uint8Array, mode: FileMode): void {
    const slash = path.lastIndexOf('/');
    if (slash > 0) {
      const dir = path.slice(0, slash);
      if (!this.made.has(dir)) this.makeParents(dir);
    }
    const fd = openSync(join(this.root, path), EXCLUSIVE_CREATE, mode);
    try {
      if (typeof content === 'string') writeText(fd, content);
      else writeFileSync(fd, content);
      let kept = this.fileModeKept.get(mode);
      if (kept === undefined) this.fileModeKept.set(mode, (kept = (fstatSync(fd).mode & 0o7777) === mode));
      if (!kept) fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    this.files.push(path);
  }

  /** Full paths of the files written and of every directory made (root last), for fsync. */
  fullPaths(): { files: string[]; dirs: string[] } {
    // Every directory made holds a file (directories are made only as a file's parents).
    const dirs = new Set<string>();
    for (const file of this.files) for (let at = file.indexOf('/'); at > 0; at = file.indexOf('/', at + 1)) dirs.add(file.slice(0, at));
    return { files: this.files.map((p) => join(this.root, p)), dirs: [...[...dirs].map((d) => join(this.root, d)), this.root] };
  }

  /** Makes each missing directory of `dir` (relative), mode 0755 exactly. */
  private makeParents(dir: string): void {
    let rel = '';
    for (const part of dir.split('/')) {
      rel = rel === '' ? part : `${rel}/${part}`;
      if (this.made.has(rel)) continue;
      const cur = join(this.root, rel);
      try {
        mkdirSync(cur, { mode: 0o755 });
        // lstat: the tree is ours, and nothing in it is followed.
        this.dirModeKept ??= (lstatSync(cur).mode & 0o7777) === 0o755;
        if (!this.dirModeKept) chmodSync(cur, 0o755);
      } catch (err) {
        // A directory this tree made and `made` forgot; anything else there (a file, a link) is refused as before.
        if (!this.forgot || (err as NodeJS.ErrnoException).code !== 'EEXIST' || !lstatSync(cur).isDirectory()) throw err;
      }
      if (this.made.size >= REMEMBERED_DIRS) {
        this.made = new Set();
        this.forgot = true;
      }
      this.made.add(rel);
    }
  }
}

/** Characters per write of a long text. */
const TEXT_SLICE = 1 << 20;

/**
 * Writes a text as UTF-8 at the file's position, a slice at a time: writeFileSync would encode
 * all of it into one buffer first, and a fleet's MANIFEST.json is tens of megabytes. A slice never
 * ends between the two halves of a surrogate pair, so the bytes are the whole text's encoding.
 */
function writeText(fd: number, text: string): void {
  if (text.length <= TEXT_SLICE) {
    writeFileSync(fd, text);
    return;
  }
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + TEXT_SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    writeFileSync(fd, text.slice(i, end));
    i = end;
  }
}

/** O_EXCL|O_NOFOLLOW: the temp tree is ours alone; a pre-existing file or link there would be a bug or an attack. */
const EXCLUSIVE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** The most directories TempTree remembers: far more than one VM's (about eight), far fewer than a fleet's. */
export const REMEMBERED_DIRS = 4096;
