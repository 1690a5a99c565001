/** Writes a file a command was asked to create, never replacing a different file without --force. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './io.js';

/**
 * Writes `text` to `path`. An existing file with the same content is left as is; a different one
 * is a usage error unless `force` (a user's file is never lost by accident).
 */
export function writeOwnedFile(path: string, text: string, force: boolean): void {
  if (existsSync(path) && !force) {
    if (readFileSync(path, 'utf8') === text) return;
    throw new UsageError(`${path} already exists; pass --force to overwrite it`);
  }
  writeFileSync(path, text, { mode: 0o644 });
}
