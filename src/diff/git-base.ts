/**
 * `vmonboard diff --base <rev> <spec>`: the old spec is the same file at a Git revision, with the
 * files it references (CA bundles, the lock file) at that revision too. The spec's directory at
 * <rev> is extracted with `git archive | tar -x` into a temporary directory (git and tar through
 * argv, never a shell), and the caller validates the old spec from there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** A checked-out old spec: its path, a label for reports, and the cleanup. */
export interface BaseSpec {
  path: string;
  label: string;
  dispose(): void;
}

/** Thrown when the revision or the spec cannot be read from Git (a usage error for the CLI). */
export class GitBaseError extends Error {}

function git(cwd: string, args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'], ...(input ? { input } : {}) });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new GitBaseError(`git ${args[0]}: ${(e.stderr?.toString() || e.message).trim()}`);
  }
}

/** Extracts the directory of `specPath` at `rev` and returns where the old spec is. */
export function checkoutBaseSpec(specPath: string, rev: string): BaseSpec {
  if (rev.startsWith('-')) throw new GitBaseError(`revision "${rev}" must not start with -`);
  const dir = dirname(resolve(specPath));
  const top = git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
  const relDir = relative(top, dir) || '.';
  const relSpec = relative(top, resolve(specPath));
  // Fails with "does not exist in <rev>" before anything is extracted.
  git(top, ['cat-file', '-e', `${rev}:${relSpec}`]);
  const out = mkdtempSync(join(tmpdir(), 'vmonboard-diff-base-'));
  try {
    const tar = git(top, ['archive', '--format=tar', rev, '--', relDir]);
    execFileSync('tar', ['-x', '-f', '-', '-C', out], { input: tar, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err instanceof GitBaseError ? err : new GitBaseError(`cannot extract ${relDir} at ${rev}: ${(err as Error).message}`);
  }
  return { path: join(out, relDir, basename(specPath)), label: `${rev}:${relSpec}`, dispose: () => rmSync(out, { recursive: true, force: true }) };
}
