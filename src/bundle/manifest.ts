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
  return [...manifestPieces(listManifestEntries(bundle, known, written), specName)].join('');
}

/**
 * The bytes of formatManifest's text (UTF-8), written straight into one buffer: a streaming
 * build's manifest lists hundreds of thousands of files (76 MB at 5,000 × 4), and the text
 * would be held twice over (its pieces, then the joined string) at the peak of the build. The
 * pieces are made twice instead, once to size the buffer and once to fill it; each is garbage
 * as soon as it is measured or copied, which the young generation collects cheaply.
 */
export function formatManifestBytes(bundle: Bundle, specName: string, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): Uint8Array {
  const entries = listManifestEntries(bundle, known, written);
  let size = 0;
  for (const piece of manifestPieces(entries, specName)) size += Buffer.byteLength(piece, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of manifestPieces(entries, specName)) at += bytes.write(piece, at, 'utf8');
  if (at !== size) throw new Error(`internal error: the manifest came out ${at} bytes long, not the ${size} it measured`);
  return bytes;
}

/** The manifest's paths in byte order, and the entry of each (made when asked: never all at once). */
interface ManifestEntries {
  paths: readonly string[];
  entryOf(path: string): ManifestEntry;
}

/** Lists the paths the manifest covers (every file but itself, kept or written). */
function listManifestEntries(bundle: Bundle, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): ManifestEntries {
  // Fleets repeat the same content (units, certificates) thousands of times: hash each text once.
  const memo = new TextMemo<string>();
  const hashOf = (c: string | Uint8Array): string => (typeof c === 'string' ? memo.get(c, sha256Hex) : (known?.get(c) ?? sha256Hex(c)));
  const paths: string[] = [];
  for (const path of bundle.keys()) if (path !== MANIFEST_FILE) paths.push(path);
  if (written && written.size > 0) {
    for (const path of written.keys()) paths.push(path);
    paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const entryOf = (path: string): ManifestEntry => {
    const f = written?.get(path);
    if (f) return { sha256: f.sha256, mode: formatMode(f.mode), source: f.source };
    const b = bundle.get(path)!;
    return { sha256: hashOf(b.content), mode: formatMode(b.mode), source: b.source };
  };
  return { paths, entryOf };
}

/** formatManifest's text in pieces: the head, one piece per file, the tail. */
function* manifestPieces({ paths, entryOf }: ManifestEntries, specName: string): Generator<string> {
  // A key that is an array index would be ordered first by JSON.stringify; no bundle path is
  // one (every file is under a directory or has an extension), but if one were, the reference
  // serialization below decides.
  if (paths.some(isArrayIndex)) {
    yield formatManifestObject(specName, paths, entryOf);
    return;
  }
  // JSON.stringify(manifest, null, 2), written out entry by entry: a fleet's manifest has
  // hundreds of thousands of entries, and building the object first held each of them twice
  // more than the text (test/bundle/manifest.test.ts checks the two give the same bytes).
  const head = `{\n  "apiVersion": ${JSON.stringify(MANIFEST_API_VERSION)},\n  "kind": "BundleManifest",\n  "spec": ${JSON.stringify(specName)},\n  "files": `;
  if (paths.length === 0) {
    yield `${head}{}\n}\n`;
    return;
  }
  yield `${head}{\n`;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    const e = entryOf(path);
    yield `    ${JSON.stringify(path)}: {\n      "sha256": ${JSON.stringify(e.sha256)},\n      "mode": ${JSON.stringify(e.mode)},\n      "source": ${JSON.stringify(e.source)}\n    }${i === paths.length - 1 ? '\n' : ',\n'}`;
  }
  yield '  }\n}\n';
}

/** The manifest through JSON.stringify of the whole object: the reference serialization. */
function formatManifestObject(specName: string, paths: readonly string[], entryOf: (path: string) => ManifestEntry): string {
  const files: Record<string, ManifestEntry> = {};
  for (const path of paths) files[path] = entryOf(path);
  const manifest: Manifest = { apiVersion: MANIFEST_API_VERSION, kind: 'BundleManifest', spec: specName, files };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** True for a canonical array index ("0", "17"), which a JS object orders before other keys. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * Returns the bundle with MANIFEST.json added (in byte order). Throws if a translator already
 * added a file at that path: the manifest must describe everything else. `known`, `written`: as
 * formatManifest (the manifest covers the written files; the returned map holds only the others).
 */
export function addManifest(bundle: Bundle, specName: string, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): Bundle {
  if (bundle.has(MANIFEST_FILE) || written?.has(MANIFEST_FILE)) throw new Error(`a translator wrote ${MANIFEST_FILE}; that path is reserved for the manifest`);
  // A streaming build's files are bytes already (the workers' UTF-8), and its manifest is the
  // largest text of the build: it becomes bytes too, without the text ever being whole.
  const content = written && written.size > 0 ? formatManifestBytes(bundle, specName, known, written) : formatManifest(bundle, specName, known, written);
  const manifest: BundleFile = { content, mode: 0o644, source: '' };
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
