/**
 * The scratch tree of a streamed archive (`render --archive`): a fleet's files go to disk as they
 * are rendered, like `render -o` (write-dir.ts), and the archive is then made by reading them back
 * in path order, so memory does not grow with the fleet. Holding them until the archive was built
 * took 2.1 GB at 5,000 × 4.
 *
 * The tree is a new hidden directory beside the archive (`.<archive>.files-<16 hex>`, mode 0700;
 * for `--archive -`, in the system temp directory), so its bytes go where the user chose to put
 * a file of that size. vmonboard made everything in it, so removing it removes nothing else; it is
 * removed when the archive is written or the render fails, on SIGINT, SIGTERM or SIGHUP, and when
 * the process exits early (a reader of `--archive -` that goes away ends it at once: pipes.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Bundle, BundleSink, FileMode, WrittenFile } from './bundle.js';
import { readListedFile } from './read-dir.js';
import { TempTree } from './temp-tree.js';
import { readBackFiles, type ArchiveFile } from './archive.js';

/** A scratch tree: a BundleSink, then the rest of the bundle, then a reader for the archive. */
export interface ScratchTree extends BundleSink {
  /** Writes the files of `bundle` (those not streamed) and lists every file as an archive entry (its bytes read back with `take`), in byte order. */
  finish(bundle: Bundle, written?: ReadonlyMap<string, WrittenFile>): ArchiveFile[];
  /**
   * A file's bytes, read without following a link, and the file removed: the archive is made
   * while zlib compresses on the thread pool, so unlinking each file there hides most of the
   * cost of removing the tree (2 s of its 70,000 files at 1,000 × 4 when left to the end).
   */
  take(path: string): Buffer;
  /** Removes the tree; safe to call more than once. */
  remove(): void;
}

/** The signals after which a scratch tree is removed before the process ends as it would have. */
const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Creates the scratch tree of an archive written to `archive` (a path, or '-' for stdout, with `tmp` the system temp directory). */
export function openScratchTree(archive: string, tmp: string): ScratchTree {
  const parent = archive === '-' ? tmp : dirname(resolve(archive));
  const name = archive === '-' ? 'vmonboard-archive' : basename(archive);
  const root = join(parent, `.${name}.files-${randomBytes(8).toString('hex')}`);
  // mkdir (not recursive) fails on anything already there, a link included.
  mkdirSync(root, { mode: 0o700 });
  const tree = new TempTree(root);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const s of CLEANUP_SIGNALS) process.off(s, onSignal);
    process.off('exit', remove);
    rmSync(root, { recursive: true, force: true });
  };
  // Removes the tree, then lets the signal end the process as it would have without us.
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    process.kill(process.pid, signal);
  }
  for (const s of CLEANUP_SIGNALS) process.once(s, onSignal);
  // 'exit' listeners run synchronously, and rmSync is: the tree goes even on process.exit().
  process.once('exit', remove);
  const take = (path: string): Buffer => {
    const bytes = readListedFile(root, path);
    unlinkSync(join(root, path));
    return bytes;
  };
  return {
    write: (path, content, mode) => tree.writeNow(path, content, mode),
    finish: (bundle, written) => {
      for (const [path, f] of bundle) tree.writeNow(path, f.content, f.mode);
      return readBackFiles(bundle, written, { read: take });
    },
    take,
    remove,
  };
}
