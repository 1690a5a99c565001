/**
 * Writes a CA directory without ever replacing a file: every file is created with O_EXCL
 * ("wx"), keys with mode 0600 from the first byte, and all paths are checked before the first
 * write, so an existing CA is refused whole instead of half-overwritten.
 */
import { existsSync, mkdirSync, writeFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MANIFEST_FILE } from '../bundle/manifest.js';
import { CA_KEY_FILES } from './ca-layout.js';

/** Why a CA directory cannot be written; the CLI prints it and exits 1. */
export class CaWriteError extends Error {
  override name = 'CaWriteError';
}

/** Writes `files` (relative path → PEM) under `dir`; throws CaWriteError before writing anything when one exists. */
export function writeCaFiles(dir: string, files: ReadonlyArray<readonly [string, string]>): string[] {
  // A rendered bundle is committed to Git and shipped; a key inside it would leak.
  if (existsSync(join(dir, MANIFEST_FILE))) throw new CaWriteError(`${dir} holds a vmonboard bundle (${MANIFEST_FILE}); keep CA keys out of bundles and choose another directory`);
  const existing = files.map(([rel]) => rel).filter((rel) => {
    try {
      lstatSync(join(dir, rel));
      return true;
    } catch {
      return false;
    }
  });
  if (existing.length > 0) throw new CaWriteError(`refusing to overwrite ${existing.map((r) => join(dir, r)).join(', ')}: a CA key is never replaced; move the old CA away or choose another directory`);
  const written: string[] = [];
  for (const [rel, text] of files) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    const key = CA_KEY_FILES.includes(rel);
    // flag "wx": O_CREAT|O_EXCL, so a file created meanwhile (or a symlink planted there) is not followed or replaced.
    writeFileSync(path, text, { flag: 'wx', mode: key ? 0o600 : 0o644 });
    written.push(path);
  }
  return written;
}
