/** Writes a file a command was asked to create, never replacing a different file without --force. */
import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { writeFileAtomic, writeNewFile } from '../bundle/safe-file.js';
import { UsageError } from './io.js';

/**
 * Writes `text` to `path` with safe-file.ts, so nothing is ever written through a symlink: a new
 * file is created O_EXCL|O_NOFOLLOW, and --force replaces what is there by rename (a symlink is
 * replaced, its target left alone). An existing regular file with the same content is left as
 * is; anything else at `path` is a usage error unless `force` (a user's file is never lost by
 * accident).
 */
export async function writeOwnedFile(path: string, text: string, force: boolean): Promise<void> {
  let st: Stats | undefined;
  try {
    st = lstatSync(path);
  } catch {
    st = undefined;
  }
  if (!st) return writeNewFile(path, text);
  if (st.isFile() && readFileSync(path, 'utf8') === text) return;
  if (!force) throw new UsageError(`${path} already exists${st.isSymbolicLink() ? ' (a symbolic link)' : ''}; pass --force to overwrite it`);
  return writeFileAtomic(path, text);
}
