/**
 * What `render --force` may never replace. --force replaces a directory that is not a bundle, and
 * `render spec.yaml -o . --force` once deleted the spec, its lock file and files/ beside it. A
 * target that is, or contains, one of the run's own inputs, the current directory, $HOME or / is
 * refused whatever the flags, naming the path that made it so.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';

/** One path the output directory must not be or contain, and what it is (for the message). */
export interface ProtectedPath {
  what: string;
  path: string;
}

/** The target would swallow a protected path; the message says which. */
export class ProtectedTargetError extends Error {}

/** The real path of `p` when it exists (symlinks resolved), else its absolute form. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** True when `inner` is `outer` or lies under it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The paths every forced write protects, beside the run's own inputs. */
export function standardProtectedPaths(): ProtectedPath[] {
  const out: ProtectedPath[] = [
    { what: 'the current directory', path: process.cwd() },
    { what: 'the root directory', path: '/' },
  ];
  const home = process.env.HOME || homedir();
  if (home) out.push({ what: '$HOME', path: home });
  return out;
}

/**
 * Throws ProtectedTargetError when `target` (as given on the command line: `shown`) is or
 * contains one of `paths`; both sides are compared as real paths, so a symlink cannot hide one.
 */
export function refuseProtectedTarget(target: string, shown: string, paths: readonly ProtectedPath[]): void {
  const t = real(target);
  for (const p of paths) {
    const r = real(p.path);
    if (isWithin(r, t)) {
      const how = r === t ? 'is' : 'contains';
      throw new ProtectedTargetError(
        `refusing to replace -o ${shown}: it ${how} ${p.what} (${p.path}), which --force would delete; write the bundle to a new or empty directory, for example -o ${shown === '.' ? 'bundle' : `${shown.replace(/\/+$/, '')}/bundle`}`,
      );
    }
  }
}
