/**
 * The atomic directory writer. rename(2) cannot replace a non-empty directory, so a bundle goes
 * to `<dir>.tmp-<id>` beside the target, the old bundle is renamed to `<dir>.old-<id>`, the new
 * one into place, and the old one is deleted. Start-up recovery (recover.ts) repairs whatever a
 * killed run left, so `<dir>` always ends up holding a complete bundle, old or new.
 * The id only names the scratch directories; it never reaches the written files.
 * One render per target directory at a time: the whole write, recovery included, holds an
 * exclusive flock beside the target (dir-lock.ts), so recovery only ever removes scratch
 * directories of dead runs. A re-render keeps every entry the old MANIFEST.json does not list
 * (keep-entries.ts); --force never replaces the spec, its inputs, cwd, $HOME or / (output-guard.ts).
 * Single output files (archives, lock files) are written by safe-file.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Bundle, BundleSink, FileMode, WrittenFile } from './bundle.js';
import { acquireDirLock } from './dir-lock.js';
import { linkKeptEntries, listKeptEntries } from './keep-entries.js';
import { MANIFEST_FILE } from './manifest.js';
import { refuseProtectedTarget, standardProtectedPaths, type ProtectedPath } from './output-guard.js';
import { inspectDir } from './read-dir.js';
import { recoverBundleDir } from './recover.js';
import { TempTree } from './temp-tree.js';
export { writeFileAtomic, writeFileAtomicFrom } from './safe-file.js';
export { DirLockError } from './dir-lock.js';
export { KeptEntryConflictError } from './keep-entries.js';
export { ProtectedTargetError } from './output-guard.js';

/** Steps of one write, in order; `beforeStep` is awaited before each. */
export type WriteStep = 'locked' | 'write-file' | 'rename-old' | 'rename-new' | 'delete-old';

/** How long a render waits for another render to the same directory by default (seconds). */
export const DEFAULT_LOCK_WAIT_SECONDS = 60;

/** Options of writeBundleToDir. */
export interface WriteDirOptions {
  /** Replace a directory that is not a vmonboard bundle. */
  force?: boolean;
  /**
   * Paths a forced write must never replace (the spec, its lock file, --files-dir); the current
   * directory, $HOME and / are always protected.
   */
  protect?: readonly ProtectedPath[];
  /** How long to wait for another render holding the directory's lock (default 60 s). */
  lockWaitSeconds?: number;
  /**
   * Test seam for failure injection: awaited before each step (with the file path for
   * 'write-file'). Throwing makes the step fail; never settling freezes the run like a kill.
   */
  beforeStep?: (step: WriteStep, path?: string) => void | Promise<void>;
  /** Test seam: where to look for coreutils' sync (syncFileSystem); none found takes the per-file fsync fallback. */
  syncBinaries?: readonly string[];
}

/** What a write did, for the CLI to report. */
export interface WriteDirResult {
  /** Files written. */
  files: number;
  /** Recovery actions taken for earlier interrupted runs. */
  recovered: string[];
  /** Non-fatal problems (the old copy could not be deleted; the next run removes it). */
  warnings: string[];
  /** Entries of the old directory its manifest did not list, carried into the new one (relative paths). */
  kept: string[];
}

/** The target exists and is not a vmonboard bundle; carries the reason for the message. */
export class NotABundleError extends Error {}

/**
 * An output directory opened for one render (openBundleDir): its lock is held, leftovers are
 * recovered, the target is judged replaceable, and an empty temp tree waits beside it. Files may
 * be written into the tree as they are produced (`write`, the BundleSink of a streaming build);
 * `commit` writes the rest and swaps, `abort` removes the tree. Either one releases the lock.
 */
export interface OpenBundleDir extends BundleSink {
  /** Writes the files of `bundle` not yet written, carries the kept entries over, and swaps (see writeBundleToDir). */
  commit(bundle: Bundle, written?: ReadonlyMap<string, WrittenFile>): Promise<WriteDirResult>;
  /**
   * commit, with the lock held until `release` (also when the caller fails: it must release):
   * the caller reads the files just committed back from the target (`render -o --archive` makes
   * its archive of them) while no other render may replace them. A failed commit releases it.
   */
  commitHeld(bundle: Bundle, written?: ReadonlyMap<string, WrittenFile>): Promise<WriteDirResult & { release(): Promise<void> }>;
  /** Removes the temp tree and releases the lock; the target is left as it was. */
  abort(): Promise<void>;
}

/**
 * Writes `bundle` to `dir` atomically (see the file comment): takes the directory's lock, recovers
 * leftovers, refuses to replace anything but a missing or empty directory or a vmonboard bundle
 * unless `force` (never a file or symlink, never a protected path), carries over the entries a
 * bundle's manifest does not list, then swaps. Files get their bundle modes exactly (0755, 0644,
 * 0600, umask notwithstanding), MANIFEST.json is written last and every file and directory is
 * fsynced before the swap. On a failure, the target is left as it was and the error is rethrown.
 */
export async function writeBundleToDir(bundle: Bundle, dir: string, opts: WriteDirOptions = {}): Promise<WriteDirResult> {
  const open = await openBundleDir(dir, opts);
  return open.commit(bundle);
}

/**
 * Opens `dir` for a render: every check writeBundleToDir makes before it writes a file, so a
 * streaming build (api.ts renderSpecFile's `openSink`) writes only into a tree that may replace
 * the target. Throws (holding nothing) when the target may not be replaced.
 */
export async function openBundleDir(dir: string, opts: WriteDirOptions = {}): Promise<OpenBundleDir> {
  const target = resolve(dir);
  if (opts.force) refuseProtectedTarget(target, dir, [...(opts.protect ?? []), ...standardProtectedPaths()]);
  await fsp.mkdir(dirname(target), { recursive: true });
  const lock = await acquireDirLock(target, opts.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS);
  const id = randomBytes(8).toString('hex');
  const tmp = `${target}.tmp-${id}`;
  let prepared: Prepared;
  try {
    await opts.beforeStep?.('locked');
    const recovered = recoverBundleDir(target);
    const state = inspectDir(target);
    if (state.kind === 'not-a-directory') throw new NotABundleError(`${dir} exists and is not a directory (a file or a symlink); remove it or choose another -o`);
    if (state.kind === 'foreign' && !opts.force) {
      throw new NotABundleError(`${dir} is not empty and is not a vmonboard bundle (no vmonboard ${MANIFEST_FILE}); choose another -o, or pass --force to replace it`);
    }
    await fsp.mkdir(tmp, { mode: 0o755 });
    await fsp.chmod(tmp, 0o755);
    prepared = { recovered, state, old: `${target}.old-${id}` };
  } catch (err) {
    await lock.release();
    throw err;
  }
  const tree = new TempTree(tmp);
  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    await lock.release();
  };
  const commitHeld = async (bundle: Bundle, written?: ReadonlyMap<string, WrittenFile>): Promise<WriteDirResult & { release(): Promise<void> }> => {
    try {
      return { ...(await commitLocked(bundle, written, dir, target, tree, prepared, opts, () => lock.stillHeld())), release: close };
    } catch (err) {
      await close();
      throw err;
    }
  };
  return {
    write: (path, content, mode) => {
      if (closed) throw new Error(`internal error: ${path} written after the bundle directory was closed`);
      tree.writeNow(path, content, mode);
    },
    commitHeld,
    commit: async (bundle, written) => {
      const { release, ...result } = await commitHeld(bundle, written);
      await release();
      return result;
    },
    abort: async () => {
      try {
        await fsp.rm(tmp, { recursive: true, force: true });
      } finally {
        await close();
      }
    },
  };
}

/** What openBundleDir found: its recovery notes, the target's state, and where the old bundle goes during the swap. */
interface Prepared {
  recovered: string[];
  state: ReturnType<typeof inspectDir>;
  old: string;
}

/** The rest of the write, under the directory lock; `stillLocked` is re-checked before the swap. */
async function commitLocked(
  bundle: Bundle,
  written: ReadonlyMap<string, WrittenFile> | undefined,
  dir: string,
  target: string,
  tree: TempTree,
  { recovered, state, old }: Prepared,
  opts: WriteDirOptions,
  stillLocked: () => Promise<boolean>,
): Promise<WriteDirResult> {
  const tmp = tree.root;
  const step = async (s: WriteStep, path?: string): Promise<void> => {
    await opts.beforeStep?.(s, path);
  };
  let kept: string[] = [];
  try {
    // Both kinds of file, without a set of a fleet's paths (350,000 at 5,000 × 4) made at the peak of the build.
    const paths = !written || written.size === 0 ? bundle : { has: (p: string) => bundle.has(p) || written.has(p), keys: () => concatKeys(bundle, written) };
    kept = state.kind === 'bundle' ? await listKeptEntries(target, state.manifest, paths) : [];
    await writeTree(bundle, tree, step, kept.length > 0 ? () => linkKeptEntries(target, tmp, kept) : undefined, opts.syncBinaries);
    // Re-check before the swap: the lock is still ours and the tree is whole (MANIFEST.json is
    // written last), so no other run can have touched either.
    if (!(await stillLocked())) throw new Error(`the lock beside ${dir} was removed during the write; nothing was changed`);
    if (bundle.has(MANIFEST_FILE)) await fsp.lstat(join(tmp, MANIFEST_FILE));
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw err;
  }

  const hadOld = state.kind !== 'missing';
  try {
    if (hadOld) {
      await step('rename-old');
      await fsp.rename(target, old);
    }
    await step('rename-new');
    await fsp.rename(tmp, target);
  } catch (err) {
    // Put the old bundle back if it was moved; the new one never became visible. If even that
    // fails, the next run's recovery restores it, so the original error is the one to report.
    try {
      if (hadOld && !(await exists(target)) && (await exists(old))) await fsp.rename(old, target);
      await fsp.rm(tmp, { recursive: true, force: true });
    } catch {
      // left for recoverBundleDir
    }
    throw err;
  }
  await syncPath(dirname(target));

  const warnings: string[] = [];
  if (hadOld) {
    try {
      await step('delete-old');
      await fsp.rm(old, { recursive: true, force: true });
    } catch (err) {
      warnings.push(`could not delete ${basename(old)} (${(err as Error).message}); the next render removes it`);
    }
  }
  return { files: bundle.size + (written?.size ?? 0), recovered, warnings, kept };
}

/**
 * Writes every file of `bundle` not yet written into the temp tree with exact modes, then makes
 * the whole tree durable (makeDurable), then writes and syncs MANIFEST.json last, so a tree with a
 * verifying manifest is complete and durable.
 */
async function writeTree(bundle: Bundle, tree: TempTree, step: (s: WriteStep, path?: string) => Promise<void>, addKept?: () => Promise<void>, syncBinaries?: readonly string[]): Promise<void> {
  const writeOne = async (path: string): Promise<void> => {
    await step('write-file', path);
    const f = bundle.get(path)!;
    tree.writeNow(path, f.content, f.mode);
  };
  for (const path of bundle.keys()) if (path !== MANIFEST_FILE) await writeOne(path);
  await addKept?.();
  await makeDurable(tree, syncBinaries);
  if (bundle.has(MANIFEST_FILE)) {
    await writeOne(MANIFEST_FILE);
    await syncAll([join(tree.root, MANIFEST_FILE)], [tree.root]);
  }
}

/** Where coreutils' sync lives; absolute paths, so a PATH entry can never stand in for it. */
const SYNC_BINARIES = ['/usr/bin/sync', '/bin/sync'];

/**
 * Flushes the file system holding `path` with one syncfs(2), through `sync -f` (coreutils'
 * `--file-system`; busybox has the short form too), since Node has no binding for syncfs.
 * Resolves false, never rejects, when that cannot be done here (not Linux, no sync binary, or it
 * failed): the caller then fsyncs file by file, which also reports any write-back error.
 */
export async function syncFileSystem(path: string, binaries: readonly string[] = SYNC_BINARIES): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const binary = binaries.find((b) => existsSync(b));
  if (!binary) return false;
  return new Promise((done) => {
    execFile(binary, ['-f', path], { timeout: 600_000 }, (err) => done(!err));
  });
}

/**
 * Makes every written file and directory durable before the swap. One syncfs of the file system
 * commits them all at once: fsyncing a 1,000-VM fleet's 15,527 files and their directories one by
 * one took 3.4 s where syncfs took 0.3 s (docs/performance.md). It flushes other dirty data on the
 * same file system too, which costs time but never correctness. (Before Linux 5.8, syncfs does not
 * report write-back errors; fsync would have.)
 */
async function makeDurable(tree: TempTree, syncBinaries?: readonly string[]): Promise<void> {
  if (await syncFileSystem(tree.root, syncBinaries)) return;
  const { files, dirs } = tree.fullPaths();
  await syncAll(files, dirs);
}

/** fsyncs files (an error is an error) and then directories, a few dozen at a time. */
async function syncAll(files: string[], dirs: string[]): Promise<void> {
  const all = [...files.map((p) => [p, false] as const), ...dirs.map((p) => [p, true] as const)];
  for (let i = 0; i < all.length; i += 32) {
    await Promise.all(all.slice(i, i + 32).map(([p, isDir]) => syncPath(p, isDir)));
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** fsyncs one file, or a directory (where a refusal is ignored: rename stays atomic, only less durable). */
async function syncPath(path: string, isDir = true): Promise<void> {
  let fh;
  try {
    fh = await fsp.open(path, constants.O_RDONLY);
    await fh.sync();
  } catch (err) {
    if (!isDir) throw err;
  } finally {
    await fh?.close();
  }
}

/** The paths of the kept files, then of the written ones. */
function* concatKeys(bundle: Bundle, written: ReadonlyMap<string, WrittenFile>): Generator<string> {
  yield* bundle.keys();
  yield* written.keys();
}
