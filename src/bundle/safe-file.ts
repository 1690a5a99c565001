/**
 * Single output files (archives, lock files, `init -o`): how every file the CLI writes outside a
 * bundle directory is created. A predictable temp name (`<file>.tmp-<pid>`) in a shared,
 * non-sticky directory let another user plant a symlink there and make us overwrite its target,
 * so temp names are random and every create is O_CREAT|O_EXCL|O_NOFOLLOW: it fails on anything
 * already at that name, link or not, instead of writing through it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, openSync, promises as fsp, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Flags of every file the CLI creates: a new file, never an existing one or a link's target. */
export const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A hidden, random temp name beside `path` (`.<name>.tmp-<16 hex>`). */
export function tempNameBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(8).toString('hex')}`);
}

/**
 * Creates `path`, which must not exist (nor be a symlink, dangling or not), with `mode` exactly
 * and `data`, and fsyncs it. Throws EEXIST otherwise; on another failure the file is removed.
 */
export async function writeNewFile(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const fh = await fsp.open(path, CREATE_NEW, mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.rm(path, { force: true });
    throw err;
  }
}

/**
 * Writes `data` to `path` atomically: a new temp file with a random name beside it (writeNewFile),
 * then rename(2), which replaces `path` in one step (a symlink at `path` is replaced, never
 * followed). Mode 0644. On failure the temp file is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempNameBeside(path);
  await writeNewFile(tmp, data, 0o644);
  await renameInto(tmp, path);
}

/** Renames our temp file over `path` (a link there is replaced, not followed); removes it if that fails. */
async function renameInto(tmp: string, path: string): Promise<void> {
  try {
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes a file atomically like writeFileAtomic, from pieces `produce` hands to `write` one
 * after another (an archive as it comes out of gzip), so the whole content is never held: a
 * 5,000 × 4 fleet's archive is 340 MB compressed. On failure the temp file is removed and
 * `path` is untouched.
 */
export async function writeFileAtomicFrom(path: string, produce: (write: (chunk: Uint8Array) => void) => Promise<void>): Promise<void> {
  const tmp = tempNameBeside(path);
  const fd = openSync(tmp, CREATE_NEW, 0o644);
  let written = false;
  try {
    await produce((chunk) => {
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
    });
    fchmodSync(fd, 0o644);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) rmSync(tmp, { force: true });
  }
  await renameInto(tmp, path);
}
