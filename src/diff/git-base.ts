/**
 * `vmonboard diff --base <rev> <spec>`: the old spec is the same file at a Git revision, with the
 * files it references (CA bundles, the lock file) at that revision too. Each is read as a blob
 * (`git cat-file blob <rev>:<path>`, git through argv, never a shell) when validation asks for it,
 * so nothing is extracted: a spec at the root of a large repository costs a few blob reads, not an
 * archive of the repository, and `export-ignore` attributes cannot hide a referenced file.
 */
import { execFileSync } from 'node:child_process';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { FileRead, FileSource } from '../spec/files.js';
import { LIMITS } from '../spec/limits.js';
import { lockPathFor } from '../spec/lock.js';
import type { SpecInput } from '../spec/validate-spec.js';

/** The old spec as validation reads it, and a label for reports (`<rev>:<path in the repository>`). */
export interface BaseSpec {
  input: SpecInput;
  label: string;
}

/** Thrown when the revision or the spec cannot be read from Git (a usage error for the CLI). */
export class GitBaseError extends Error {}

function git(cwd: string, args: string[]): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new GitBaseError(`git ${args[0]}: ${(e.stderr?.toString() || e.message).trim()}`);
  }
}

/** The object at `<rev>:<path>`: its mode (`100644`, `120000` for a symlink …), or undefined when there is none. */
function entryAt(top: string, rev: string, path: string): { mode: string; size: number } | undefined {
  const line = git(top, ['ls-tree', '-l', '--full-tree', rev, '--', path]).toString().split('\n')[0];
  const m = /^(\d{6}) (\w+) [0-9a-f]+ +(-|\d+)\t/.exec(line ?? '');
  if (!m || m[2] !== 'blob') return undefined;
  return { mode: m[1]!, size: m[3] === '-' ? 0 : Number(m[3]) };
}

/** Reads the old spec, its lock file and, on demand, the files it references, all at `rev`. */
export function readBaseSpec(specPath: string, rev: string): BaseSpec {
  if (rev.startsWith('-')) throw new GitBaseError(`revision "${rev}" must not start with -`);
  const dir = dirname(resolve(specPath));
  const top = git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
  const inRepo = (p: string): string => relative(top, p).split(sep).join('/');
  const relSpec = inRepo(resolve(specPath));
  // Fails with "does not exist in <rev>" (or an unknown revision) before anything else is read.
  git(top, ['cat-file', '-e', `${rev}:${relSpec}`]);
  const blob = (path: string): string => git(top, ['cat-file', 'blob', `${rev}:${path}`]).toString('utf8');
  const relLock = inRepo(resolve(lockPathFor(specPath)));
  const lock = entryAt(top, rev, relLock);
  const relDir = inRepo(dir);
  const files: FileSource = {
    read(relPath: string): FileRead {
      // The rules of filesDirSource (src/spec/files.ts): relative, inside the spec's directory.
      if (isAbsolute(relPath) || relPath.split(/[\\/]/).includes('..')) {
        return { ok: false, code: 'FILE_ESCAPES_FILES_DIR', message: `"${relPath}" must be a relative path inside --files-dir, without ..` };
      }
      const path = posix.join(relDir, relPath.split(sep).join('/'));
      const e = entryAt(top, rev, path);
      if (!e) return { ok: false, code: 'FILE_NOT_FOUND', message: `"${relPath}" does not exist beside the spec at ${rev}` };
      // A link's blob is its target's name, not the file: Git stores no content to follow.
      if (e.mode === '120000') return { ok: false, code: 'FILE_NOT_FOUND', message: `"${relPath}" is a symbolic link at ${rev}; diff --base reads only regular files from Git` };
      if (e.size > LIMITS.maxReferencedFileBytes) {
        return { ok: false, code: 'FILE_TOO_LARGE', message: `"${relPath}" is ${e.size} bytes at ${rev}; referenced files may be at most ${LIMITS.maxReferencedFileBytes} bytes` };
      }
      return { ok: true, content: blob(path) };
    },
  };
  const label = `${rev}:${relSpec}`;
  return {
    label,
    input: { text: blob(relSpec), file: label, lockFile: `${rev}:${relLock}`, ...(lock ? { lockText: blob(relLock) } : {}), files },
  };
}
