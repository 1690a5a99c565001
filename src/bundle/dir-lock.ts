/**
 * One writer per output directory: an exclusive flock(2) on a lock file beside the target
 * (`<dir>.vmonboard-lock`), held for the whole write, recovery included. The kernel drops a flock
 * when its holder dies, however it dies, so a killed render never leaves a stale lock, and a run
 * holding the lock knows every `<dir>.tmp-<id>` beside the target belongs to a dead run.
 *
 * Node has no flock binding, so util-linux flock(1) takes the lock on OUR open file description:
 * the file is opened here and handed to the child as fd 3 (`flock -x -w <s> 3`, util-linux
 * flock(1) "flock [options] number"); the child exits once it holds the lock, and the lock stays
 * with the open file description, that is with this process, until we close it or die. This is
 * hand-written because no maintained npm package takes a kernel lock without a native build
 * (proper-lockfile is mtime-based: a paused holder loses its lock after `stale` ms).
 *
 * The lock file is removed when the write ends. Removing a flock file is racy unless every
 * locker checks, after locking, that the path still names the inode it locked (it retries
 * otherwise); acquireDirLock does.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync, promises as fsp } from 'node:fs';

/** First line of every lock file: how a lock file is told apart from a user's file of that name. */
const LOCK_MARK = 'vmonboard render lock: another render to this directory is running (removed when it ends)\n';

/** Where util-linux flock(1) lives; absolute paths, so a PATH entry can never stand in for it. */
const FLOCK_BINARIES = ['/usr/bin/flock', '/bin/flock'];

/** Exit code we ask flock(1) to use when the wait ran out (-E), told apart from its own errors. */
const CONFLICT_EXIT = 75;

/** The lock could not be taken: another run held it longer than the wait, or the path is not ours. */
export class DirLockError extends Error {}

/** A held lock; release() removes the lock file and drops the lock. */
export interface DirLock {
  path: string;
  /** True while the lock file still names the inode this run locked. */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** The lock file path for an output directory. */
export function lockPathFor(target: string): string {
  return `${target}.vmonboard-lock`;
}

/**
 * Takes the exclusive lock of `target`, waiting at most `waitSeconds` for another run to finish.
 * Throws DirLockError when the wait runs out or the lock path is something else (a symlink, a
 * directory, a user's file), and when flock(1) is missing.
 */
export async function acquireDirLock(target: string, waitSeconds: number): Promise<DirLock> {
  const path = lockPathFor(target);
  const binary = FLOCK_BINARIES.find((b) => existsSync(b));
  if (!binary) throw new DirLockError(`cannot lock ${target}: util-linux flock(1) was not found at ${FLOCK_BINARIES.join(' or ')}; install util-linux`);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const fh = await openLockFile(path);
    try {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      const code = await runFlock(binary, fh.fd, left);
      if (code === CONFLICT_EXIT) {
        throw new DirLockError(`another vmonboard render is writing ${target} (lock ${path}); waited ${waitSeconds} s for it to finish. Run again when it has finished, or raise --wait`);
      }
      if (code !== 0) throw new DirLockError(`cannot lock ${path}: flock(1) exited with ${code}`);
      // The previous holder may have removed the file between our open and our lock: then we
      // hold a lock on an orphan inode and must start over on the current path.
      if (await namesInode(path, fh)) {
        const lock: DirLock = {
          path,
          stillHeld: () => namesInode(path, fh),
          release: async () => {
            if (await namesInode(path, fh)) await fsp.rm(path, { force: true });
            await fh.close();
          },
        };
        return lock;
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
    await fh.close();
  }
}

/**
 * Opens the lock file without following a symlink: creates it exclusively (mode 0600, with the
 * mark) or opens an existing one that carries the mark (an empty one is a creator that has not
 * written its mark yet).
 */
async function openLockFile(path: string): Promise<fsp.FileHandle> {
  for (;;) {
    try {
      const fh = await fsp.open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      await fh.writeFile(LOCK_MARK);
      return fh;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // its holder just removed it
      if (code === 'ELOOP') throw new DirLockError(`${path} is a symbolic link; vmonboard never follows one there. Remove it`);
      throw err;
    }
    const st = await fh.stat();
    const head = st.isFile() && st.size <= LOCK_MARK.length ? (await fh.readFile('utf8')) : undefined;
    if (head === undefined || !LOCK_MARK.startsWith(head)) {
      await fh.close();
      throw new DirLockError(`${path} exists and is not a vmonboard lock file; vmonboard keeps its lock there, so move that file away`);
    }
    return fh;
  }
}

/** Runs `flock -x` on fd 3 of the child (our open file); resolves its exit code. */
function runFlock(binary: string, fd: number, waitSeconds: number): Promise<number> {
  const args = waitSeconds > 0 ? ['-x', '-w', String(waitSeconds), '-E', String(CONFLICT_EXIT), '3'] : ['-x', '-n', '-E', String(CONFLICT_EXIT), '3'];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'ignore', fd] });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** True when `path` still names the file open as `fh`. */
async function namesInode(path: string, fh: fsp.FileHandle): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([fh.stat(), fsp.lstat(path)]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}
