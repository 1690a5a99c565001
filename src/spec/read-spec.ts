/**
 * The I/O edge of validation: reads a spec file (or stdin), its lock file and gives the
 * pipeline a FileSource rooted at --files-dir (default: the spec's directory).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { filesDirSource } from './files.js';
import { lockPathFor } from './lock.js';
import type { SpecInput } from './validate-spec.js';

/** Options for reading a spec from disk. */
export interface ReadSpecOptions {
  /** Directory local file references resolve under; defaults to the spec's directory. */
  filesDir?: string;
  /** Lock file path; defaults to <spec>.lock.yaml beside the spec. */
  lockFile?: string;
  /** Text to use when specPath is '-' (stdin). */
  stdinText?: string;
  /** Resolve artifacts without the lock file (for `vmonboard pin`). */
  ignoreLock?: boolean;
}

/** Reads a spec and its lock file. Throws only for an unreadable spec file (ENOENT etc.). */
export function readSpecInput(specPath: string, opts: ReadSpecOptions = {}): SpecInput {
  const fromStdin = specPath === '-';
  const text = fromStdin ? (opts.stdinText ?? '') : readFileSync(specPath, 'utf8');
  const file = fromStdin ? '<stdin>' : specPath;
  const lockFile = opts.lockFile ?? (fromStdin ? 'vmonboard.lock.yaml' : lockPathFor(specPath));
  const lockText = existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : undefined;
  const filesDir = opts.filesDir ?? (fromStdin ? undefined : dirname(specPath));
  return { text, file, lockFile, ...(lockText !== undefined ? { lockText } : {}), files: filesDirSource(filesDir), ...(opts.ignoreLock ? { ignoreLock: true } : {}) };
}
