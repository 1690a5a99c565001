/**
 * MANIFEST.json: every file of a bundle with its sha256, mode and the spec pointer it came from.
 * It is computed last, over all other files, so it never depends on translator order, and it is
 * how the directory writer recognizes a directory it may replace (a vmonboard bundle).
 */
import { createHash } from 'node:crypto';
import type { Bundle, BundleFile, FileMode, WrittenFile } from './bundle.js';
import { TextMemo } from '../text-memo.js';

/** Path of the manifest inside a bundle. */
export const MANIFEST_FILE = 'MANIFEST.json';

/** apiVersion of the manifest format; bump it on an incompatible change. */
export const MANIFEST_API_VERSION = 'vmonboard.bundle/v1';

/** One manifest entry. Mode is an octal string ("0755") because JSON has no octal literals. */
export interface ManifestEntry {
  sha256: string;
  mode: string;
  source: string;
}

/** The parsed manifest. */
export interface Manifest {
  apiVersion: typeof MANIFEST_API_VERSION;
  kind: 'BundleManifest';
  /** Base name of the spec the bundle was rendered from. */
  spec: string;
  /** Every other file of the bundle, keyed by path, in byte order. */
  files: Record<string, ManifestEntry>;
}

/** Lower-case hex sha256 of a file's content (strings hash as UTF-8, as they are written). */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Formats a bundle file mode as the four-digit octal string used in the manifest. */
export function formatMode(mode: FileMode | number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * Builds the manifest of a bundle (MANIFEST.json itself excluded), serialized deterministically.
 * `known` maps byte contents to their sha256 where it was already computed (a parallel build
 * hashes in its workers); `written` lists the files a streaming build already wrote, with their
 * sha256 (BundleBuilder.addWritten).
 */
export function formatManifest(bundle: Bundle, specName: string, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): string {
  // Fleets repeat the same content (units, certificates) thousands of times: hash each text once.
  const memo = new TextMemo<string>();
  const hashOf = (c: string | Uint8Array): string => (typeof c === 'string' ? memo.get(c, sha256Hex) : (known?.get(c) ?? sha256Hex(c)));
  const entries: Array<[string, ManifestEntry]> = [];
  for (const [path, f] of bundle) {
    if (path === MANIFEST_FILE) continue;
    entries.push([path, { sha256: hashOf(f.content), mode: formatMode(f.mode), source: f.source }]);
  }
  if (written && written.size > 0) {
    for (const [path, f] of written) entries.push([path, { sha256: f.sha256, mode: formatMode(f.mode), source: f.source }]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const files: Record<string, ManifestEntry> = {};
  for (const [path, e] of entries) files[path] = e;
  const manifest: Manifest = { apiVersion: MANIFEST_API_VERSION, kind: 'BundleManifest', spec: specName, files };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Returns the bundle with MANIFEST.json added (in byte order). Throws if a translator already
 * added a file at that path: the manifest must describe everything else. `known`, `written`: as
 * formatManifest (the manifest covers the written files; the returned map holds only the others).
 */
export function addManifest(bundle: Bundle, specName: string, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): Bundle {
  if (bundle.has(MANIFEST_FILE) || written?.has(MANIFEST_FILE)) throw new Error(`a translator wrote ${MANIFEST_FILE}; that path is reserved for the manifest`);
  const manifest: BundleFile = { content: formatManifest(bundle, specName, known, written), mode: 0o644, source: '' };
  const entries: Array<readonly [string, BundleFile]> = [...bundle.entries()];
  // Bundles come sorted (BundleBuilder.build): then the manifest only needs inserting, not a sort
  // of every path again (hundreds of thousands of them for a large fleet).
  const sorted = entries.every(([p], i) => i === 0 || entries[i - 1]![0] < p);
  if (!sorted) return new Map([...entries, [MANIFEST_FILE, manifest] as const].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const at = entries.findIndex(([p]) => p > MANIFEST_FILE);
  entries.splice(at < 0 ? entries.length : at, 0, [MANIFEST_FILE, manifest]);
  return new Map(entries);
}

/**
 * Parses MANIFEST.json text; returns undefined when it is not a vmonboard bundle manifest
 * (bad JSON, another kind, or entries of the wrong shape).
 */
export function parseManifest(text: string): Manifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = data as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || m.apiVersion !== MANIFEST_API_VERSION || m.kind !== 'BundleManifest') return undefined;
  if (!m.files || typeof m.files !== 'object') return undefined;
  for (const e of Object.values(m.files)) {
    if (!e || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256) || typeof e.mode !== 'string') return undefined;
  }
  return m as Manifest;
}
