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
 * buffer is sized first by counting each entry's bytes (entryBytes), without formatting it, then
 * filled with the pieces a few hundred entries at a time. This runs at the very end of a render, on the main
 * thread alone, where formatting every entry twice (once to measure it) took 330 ms of a
 * 1,000 × 4 render.
 */
export function formatManifestBytes(bundle: Bundle, specName: string, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): Uint8Array {
  const entries = listManifestEntries(bundle, known, written);
  // The reference serialization (a path that is an array index) and the empty manifest are one piece.
  if (entries.paths.length === 0 || entries.paths.some(isArrayIndex)) return Buffer.from([...manifestPieces(entries, specName)].join(''), 'utf8');
  let size = Buffer.byteLength(manifestHead(specName), 'utf8') + MANIFEST_TAIL.length;
  const last = entries.paths.length - 1;
  for (let i = 0; i <= last; i++) size += entryBytes(entries.paths[i]!, entries.entryOf(entries.paths[i]!), i === last);
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  let batch = '';
  for (const piece of manifestPieces(entries, specName)) {
    batch += piece;
    if (batch.length >= BATCH_CHARS) {
      at += bytes.write(batch, at, 'utf8');
      batch = '';
    }
  }
  at += bytes.write(batch, at, 'utf8');
  if (at !== size) throw new Error(`internal error: the manifest came out ${at} bytes long, not the ${size} it counted`);
  return bytes;
}

/** Characters of pieces written to the buffer at once: a write per entry cost more than making the entry's text. */
const BATCH_CHARS = 64 * 1024;

/** A string of printable ASCII, which JSON.stringify writes as it is between two quotes. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The UTF-8 length of JSON.stringify(s), which is made only when `s` needs escaping or is not ASCII. */
function jsonBytes(s: string): number {
  return JSON_PLAIN.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');
}

/** The UTF-8 length of entryPiece(path, e, isLast), counted. */
function entryBytes(path: string, e: ManifestEntry, isLast: boolean): number {
  return ENTRY_FIXED_BYTES + jsonBytes(path) + jsonBytes(e.sha256) + jsonBytes(e.mode) + jsonBytes(e.source) - (isLast ? 1 : 0);
}

/** The manifest's paths in byte order, and the entry of each (made when asked: never all at once). */
interface ManifestEntries {
  paths: readonly string[];
  entryOf(path: string): ManifestEntry;
}

/** Lists the paths the manifest covers (every file but itself, kept or written). */
function listManifestEntries(bundle: Bundle, known?: ReadonlyMap<Uint8Array, string>, written?: ReadonlyMap<string, WrittenFile>): ManifestEntries {
  // Fleets repeat the same content (units, certificates) thousands of times: hash each text once.
  // Bytes too, by identity: formatManifestBytes asks for every entry twice (to count, then to write).
  const memo = new TextMemo<string>();
  const bytesMemo = new WeakMap<Uint8Array, string>();
  const hashBytes = (c: Uint8Array): string => {
    let h = known?.get(c) ?? bytesMemo.get(c);
    if (h === undefined) bytesMemo.set(c, (h = sha256Hex(c)));
    return h;
  };
  const hashOf = (c: string | Uint8Array): string => (typeof c === 'string' ? memo.get(c, sha256Hex) : hashBytes(c));
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
  if (paths.length === 0) {
    yield `${manifestHead(specName).slice(0, -2)}{}\n}\n`;
    return;
  }
  yield manifestHead(specName);
  for (let i = 0; i < paths.length; i++) yield entryPiece(paths[i]!, entryOf(paths[i]!), i === paths.length - 1);
  yield MANIFEST_TAIL;
}

/** The manifest's text up to its first entry (with no entry, its last two characters become `{}`). */
function manifestHead(specName: string): string {
  return `{\n  "apiVersion": ${JSON.stringify(MANIFEST_API_VERSION)},\n  "kind": "BundleManifest",\n  "spec": ${JSON.stringify(specName)},\n  "files": {\n`;
}

/** The manifest's text after its last entry. */
const MANIFEST_TAIL = '  }\n}\n';

/** One entry's text, as JSON.stringify(manifest, null, 2) writes it. */
function entryPiece(path: string, e: ManifestEntry, isLast: boolean): string {
  return `    ${JSON.stringify(path)}: {\n      "sha256": ${JSON.stringify(e.sha256)},\n      "mode": ${JSON.stringify(e.mode)},\n      "source": ${JSON.stringify(e.source)}\n    }${isLast ? '\n' : ',\n'}`;
}

/** The bytes of an entry's text besides its four strings (each `""` when empty), as entryBytes counts them. */
const ENTRY_FIXED_BYTES = entryPiece('', { sha256: '', mode: '', source: '' }, false).length - 4 * 2;

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
