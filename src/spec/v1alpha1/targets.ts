/**
 * The two written forms of `platforms[].targets`, read one way: the object form
 * `{ os: [...], arch: [...] }` (every OS on every arch) and the list form
 * `[{ os, arch: [...] }, ...]` (each OS with its own arches, issue 16). Rules and the resolve
 * stage read targets only through here, so both forms get the same checks and pointers that
 * name what the user wrote.
 */
import type { Platform } from './types.gen.js';
import type { Arch, TargetOs } from '../../model/model.js';

/** One target OS with the arches it runs on, and where the user wrote them. */
export interface TargetEntry {
  os: TargetOs;
  arch: Arch[];
  /** JSON pointer of the OS value (object form: the item of targets.os). */
  osPointer: string;
  /** JSON pointer of the arch list (object form: the shared targets.arch). */
  archPointer: string;
}

/** Returns true when a platform's targets use the list (per-OS) form. */
export function isPerOsTargets(targets: Platform['targets']): boolean {
  return Array.isArray(targets);
}

/** Lists a platform's targets as per-OS entries, whichever form was written. */
export function listTargetEntries(p: Platform, index: number): TargetEntry[] {
  const base = `/platforms/${index}/targets`;
  if (Array.isArray(p.targets)) {
    return p.targets.map((t, j) => ({ os: t.os, arch: [...t.arch], osPointer: `${base}/${j}/os`, archPointer: `${base}/${j}/arch` }));
  }
  const t = p.targets as { os: TargetOs[]; arch: Arch[] };
  return t.os.map((os, j) => ({ os, arch: [...t.arch], osPointer: `${base}/os/${j}`, archPointer: `${base}/arch` }));
}

/** The distinct OSes of a platform's targets, in written order. */
export function listTargetOses(p: Platform): TargetOs[] {
  return [...new Set(listTargetEntries(p, 0).map((e) => e.os))];
}
