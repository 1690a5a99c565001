/**
 * Start-up recovery for the atomic directory writer. A run writes `<dir>.tmp-<id>`, renames the
 * old bundle to `<dir>.old-<id>`, renames the new one into place and deletes the old one. A run
 * killed at any point leaves one of these states, and recovery turns each into a complete
 * bundle at `<dir>` (old or new, never a mix):
 *
 * | killed                           | left behind                    | recovery                   |
 * |----------------------------------|--------------------------------|----------------------------|
 * | while writing the temp dir       | `<dir>` (old) + partial tmp    | delete tmp                 |
 * | between the two renames          | old-<id> + complete tmp        | rename old back, delete tmp|
 * | after the second rename          | `<dir>` (new) + old-<id>       | delete old                 |
 * | while deleting the old dir       | `<dir>` (new) + partial old    | delete old                 |
 */
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inspectDir, isCompleteBundle } from './read-dir.js';

/** Leftover ids are 16 lower-case hex digits, so a user's `bundle.old-backup` is never touched. */
export const LEFTOVER_ID = /^[0-9a-f]{16}$/;

/** Leftovers of earlier runs beside `dir`, by kind, in name order. */
export interface Leftovers {
  tmp: string[];
  old: string[];
}

/** Lists `<dir>.tmp-<id>` and `<dir>.old-<id>` entries beside `dir` (absolute paths). */
export function findLeftovers(dir: string): Leftovers {
  const parent = dirname(dir);
  const base = basename(dir);
  const out: Leftovers = { tmp: [], old: [] };
  let names: string[];
  try {
    names = readdirSync(parent).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names) {
    for (const kind of ['tmp', 'old'] as const) {
      const prefix = `${base}.${kind}-`;
      if (name.startsWith(prefix) && LEFTOVER_ID.test(name.slice(prefix.length))) out[kind].push(join(parent, name));
    }
  }
  return out;
}

/**
 * Recovers leftovers of a killed run beside `dir` (see the table above) and returns what it did,
 * one line per action, for the CLI to report. Running it when nothing was left is a no-op.
 * A missing `<dir>` with old copies beside it means a run died between its two renames: the old
 * bundle goes back (a complete one if several exist; a lone old copy is restored as it is,
 * because it may be a directory the user replaced with --force).
 */
export function recoverBundleDir(dir: string): string[] {
  const done: string[] = [];
  const { tmp, old } = findLeftovers(dir);
  if (tmp.length === 0 && old.length === 0) return done;
  const remainingOld = [...old];
  if (inspectDir(dir).kind === 'missing' && old.length > 0) {
    const pick = old.length === 1 ? old[0]! : (old.find((o) => isCompleteBundle(o)) ?? old[0]!);
    renameSync(pick, dir);
    remainingOld.splice(remainingOld.indexOf(pick), 1);
    done.push(`restored the previous bundle from ${basename(pick)} (an earlier run was interrupted)`);
  }
  for (const p of tmp) {
    rmSync(p, { recursive: true, force: true });
    done.push(`removed the unfinished ${basename(p)} of an interrupted run`);
  }
  for (const p of remainingOld) {
    rmSync(p, { recursive: true, force: true });
    done.push(`removed ${basename(p)} left by an interrupted run`);
  }
  return done;
}
