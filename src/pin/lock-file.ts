/**
 * Writes the lock file (`vmonboard.lock/v1`, schemas/lock-v1) deterministically: the same pins
 * give the same bytes, in the format scripts/write-sample-locks.mjs writes (js-yaml with every
 * string double-quoted, no line wrapping), with artifacts sorted by component, version, format
 * and arch as the schema describes.
 */
import jsYaml from 'js-yaml';
import type { WrittenLock } from '../spec/lock-types.gen.js';

/** One lock entry. */
export type LockEntry = WrittenLock['artifacts'][number];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Formats a lock file for `specName` (a base name, for the header) from its entries. */
export function formatLock(entries: readonly LockEntry[], specName: string): string {
  const artifacts = [...entries]
    .sort((a, b) => cmp(a.component, b.component) || cmp(a.version, b.version) || cmp(a.format, b.format) || cmp(a.arch, b.arch))
    .map((e) => ({ component: e.component, version: e.version, format: e.format, arch: e.arch, url: e.url, sha256: e.sha256 }));
  const header =
    `# Written by vmonboard pin from ${specName.replace(/[\r\n]/g, ' ')}: the sha256 of every artifact its targets need.\n` +
    '# Run `vmonboard pin` again after changing versions, targets or the mirror; `vmonboard pin --verify` re-checks the pins.\n';
  return header + jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts }, { forceQuotes: true, quotingType: '"', lineWidth: -1 });
}
