/**
 * Drift check for GitOps CI (`render --check`): compares a rendered bundle with the committed
 * directory, reading only. Git keeps file content and the executable bit and nothing else
 * (git-scm.com/book "Git Internals - Git Objects": modes 100644 and 100755 only), so those are
 * the only things compared: a fresh clone of an up-to-date bundle must show no drift.
 */
import type { Bundle, BundleSink, FileMode } from './bundle.js';
import { formatMode, MANIFEST_FILE, parseManifest } from './manifest.js';
import { listTreeOrEmpty, readListedFile, readListedFileAndMode, type ListedEntry } from './read-dir.js';
import { clipLine, readableDiff, unifiedDiff } from './drift-diff.js';

/** One changed file with a short explanation. */
export interface ChangedFile {
  path: string;
  /** Short human diff lines (content, executable bit, or file kind). */
  diff: string[];
}

/** The drift between a rendered bundle and a directory. */
export interface BundleDrift {
  /** In the rendered bundle but not on disk. */
  added: string[];
  /** On disk and listed in the committed MANIFEST.json, but no longer rendered. */
  removed: string[];
  changed: ChangedFile[];
  /** With `unified`: a git-style unified diff of every added, removed and changed file, by path. */
  unified?: Map<string, string>;
}

/** True when the drift is empty. */
export function isUpToDate(drift: BundleDrift): boolean {
  return drift.added.length === 0 && drift.removed.length === 0 && drift.changed.length === 0;
}

const isExecutable = (mode: number): boolean => (mode & 0o111) !== 0;

/**
 * Compares `bundle` with the files under `dir` (a missing directory counts as empty).
 * Content and the executable bit only; other mode bits (0600 vs 0644) are ignored. Entries the
 * committed MANIFEST.json does not list are the user's (a render keeps them), so they are not drift.
 */
export function compareBundleWithDir(bundle: Bundle, dir: string, opts: { unified?: boolean } = {}): BundleDrift {
  return openDriftCheck(dir, opts).finish(bundle);
}

/**
 * A drift check fed file by file: a streaming render (`render --check` of a fleet) hands each file
 * to `write` as it is rendered, and it is compared with the committed one then, so neither tree is
 * ever held whole. `finish` compares the files still in memory and lists what was removed.
 */
export interface DriftCheck extends BundleSink {
  finish(bundle: Bundle, written?: ReadonlyMap<string, unknown>): BundleDrift;
}

/**
 * Opens a drift check of `dir`: lists every entry under it (listTree: never following a
 * symlink; a directory that is not there is empty), without reading any content yet. `listed`
 * is that listing when it was made already (list-tree-background.ts); it becomes the check's own.
 */
export function openDriftCheck(dir: string, opts: { unified?: boolean } = {}, listed?: Map<string, ListedEntry>): DriftCheck {
  const disk = listed ?? listTreeOrEmpty(dir);
  const drift: BundleDrift = { added: [], removed: [], changed: [] };
  const unified = opts.unified ? new Map<string, string>() : undefined;
  // What is compared leaves the listing, so what stays in it at the end was not rendered, and a
  // fleet's listing (350,000 paths at 5,000 × 4) shrinks as its files arrive instead of being
  // held beside a second set of the same paths.
  const compare = (path: string, content: string | Uint8Array, mode: FileMode): void => {
    const want = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const d = disk.get(path);
    disk.delete(path);
    if (!d) {
      drift.added.push(path);
      unified?.set(path, unifiedDiff(path, undefined, want));
      return;
    }
    if (d.kind !== 'file') {
      drift.changed.push({ path, diff: [`is a ${d.kind === 'symlink' ? 'symbolic link' : 'special file'} on disk, expected a regular file`] });
      return;
    }
    const { content: have, mode: diskMode } = readListedFileAndMode(dir, path);
    const diff: string[] = [];
    if (isExecutable(diskMode) !== isExecutable(mode)) {
      diff.push(`executable bit: ${isExecutable(diskMode) ? 'set' : 'not set'} on disk (${formatMode(diskMode)}), expected ${isExecutable(mode) ? 'set' : 'not set'} (${formatMode(mode)})`);
    }
    if (!have.equals(want)) {
      diff.push(...readableDiff(path, have, want));
      unified?.set(path, unifiedDiff(path, have, want));
    } else if (diff.length > 0) unified?.set(path, `diff --git a/${path} b/${path}\nold mode ${formatMode(diskMode)}\nnew mode ${formatMode(mode)}\n`);
    if (diff.length > 0) drift.changed.push({ path, diff });
  };
  return {
    write: compare,
    finish: (bundle, written) => {
      // The committed manifest's entry, before comparing the rendered one takes it out of the listing.
      const committedManifest = disk.get(MANIFEST_FILE);
      for (const [path, f] of bundle) compare(path, f.content, f.mode);
      // What is on disk and was not rendered is "removed" when the committed manifest lists it
      // (anything else there is not the bundle's). The manifest is read only when there is such
      // a file: a fleet's is tens of megabytes, and parsed it was the largest thing a --check held.
      const unrendered = [...disk.keys()].filter((path) => !written?.has(path));
      const m = unrendered.length > 0 ? committedManifest : undefined;
      const listed = m?.kind === 'file' ? parseManifest(readListedFile(dir, MANIFEST_FILE).toString('utf8'))?.files : undefined;
      for (const path of unrendered) {
        const d = disk.get(path)!;
        if (!listed || !Object.hasOwn(listed, path)) continue;
        drift.removed.push(path);
        unified?.set(path, d.kind === 'file' ? unifiedDiff(path, readListedFile(dir, path), undefined) : `removed ${path} (not a regular file)\n`);
      }
      // Files arrive in any order when streamed; the report lists them by path, as the bundle is ordered.
      const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
      drift.added.sort(byPath);
      drift.removed.sort(byPath);
      drift.changed.sort((a, b) => byPath(a.path, b.path));
      if (unified) drift.unified = unified;
      return drift;
    },
  };
}

/**
 * Formats drift for machines (`render --check --format json`, stdout): every added, removed and
 * changed file with its unified diff (compareBundleWithDir with `unified`), and the readable
 * summary lines people see.
 */
export function formatDriftJson(drift: BundleDrift, dir: string): string {
  const u = (p: string): string => drift.unified?.get(p) ?? '';
  return `${JSON.stringify(
    {
      upToDate: isUpToDate(drift),
      dir,
      added: drift.added.map((path) => ({ path, diff: u(path) })),
      removed: drift.removed.map((path) => ({ path, diff: u(path) })),
      changed: drift.changed.map((c) => ({ path: c.path, summary: c.diff, diff: u(c.path) })),
    },
    null,
    2,
  )}\n`;
}

/** Formats drift for people (stderr): one line per file, diffs indented beneath. */
export function formatDrift(drift: BundleDrift, dir: string): string {
  const n = drift.added.length + drift.removed.length + drift.changed.length;
  const lines = [`${dir} is out of date: ${n} ${n === 1 ? 'file differs' : 'files differ'} from what the spec renders`];
  for (const p of drift.added) lines.push(`  added:   ${p} (rendered, missing from ${dir})`);
  for (const p of drift.removed) lines.push(`  removed: ${p} (in ${dir}, no longer rendered)`);
  for (const c of drift.changed) {
    lines.push(`  changed: ${c.path}`);
    // Clipped after indenting, so the printed line itself stays under MAX_LINE (drift-diff.ts).
    for (const l of c.diff) lines.push(clipLine(`      ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
