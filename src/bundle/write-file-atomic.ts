/** Writes one output file (an archive, a lock file) so a reader never sees half of it. */
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `data` to `path` atomically: a temp file beside it, then rename(2), which replaces a
 * file in one step. Mode 0644. On failure the temp file is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
