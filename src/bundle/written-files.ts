/**
 * The files a streaming build already handed to its sink (BundleBuilder.addWritten): what
 * MANIFEST.json and the secret scan still need of each, kept in columns instead of one object
 * per file. A 5,000 × 4 fleet writes 350,000 files; as a Map of objects with a hex sha256 each,
 * their entries were 48 MB of the main thread's 150 MB live heap at the end of the build (a
 * heap snapshot: 350,000 objects of ~56 bytes and as many 64-character strings). Here a file
 * costs its path, a Map slot, 32 bytes of digest, one of mode and four of source.
 *
 * It reads as a ReadonlyMap<string, WrittenFile> (the type BuiltBundle.written had as a Map),
 * making each WrittenFile when asked for, so every reader is unchanged.
 */
import type { FileMode } from './file-mode.js';

/**
 * A file a streaming build already handed to its sink (a fleet's VM files, written to the output
 * tree as the workers produce them): what the manifest and the secret scan still need, without
 * the content, so memory does not grow with the fleet.
 */
export interface WrittenFile {
  mode: FileMode;
  source: string;
  sha256: string;
  /** The secret scan's findings for the content (normally none). */
  findings: ReadonlyArray<{ pattern: string; what: string; line: number }>;
}

const MODES: readonly FileMode[] = [0o644, 0o755, 0o600];
const DIGEST_BYTES = 32;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const NO_FINDINGS: WrittenFile['findings'] = Object.freeze([]);

export class WrittenFiles implements ReadonlyMap<string, WrittenFile> {
  /** Path → row. Insertion order is the order files came, which iteration keeps. */
  private readonly rows = new Map<string, number>();
  private digests = Buffer.alloc(0);
  private modes = new Uint8Array(0);
  private sourceIds = new Uint32Array(0);
  /** Source pointers, each once: a fleet's files name a few thousand of them. */
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  /** Findings by row: almost every file has none. */
  private readonly findings = new Map<number, WrittenFile['findings']>();

  get size(): number {
    return this.rows.size;
  }

  /** Records a file; the caller (BundleBuilder.claim) has already refused a duplicate path. */
  add(path: string, file: WrittenFile): void {
    const mode = MODES.indexOf(file.mode);
    if (mode < 0) throw new Error(`internal error: ${path} has mode ${file.mode.toString(8)}, which a bundle never uses`);
    // Checked, since a digest that is not 64 hex digits would be written short without a word.
    if (!SHA256_HEX.test(file.sha256)) throw new Error(`internal error: ${path} came with ${JSON.stringify(file.sha256)} for its sha256`);
    const row = this.rows.size;
    if (row === this.modes.length) this.grow();
    this.digests.write(file.sha256, row * DIGEST_BYTES, DIGEST_BYTES, 'hex');
    this.modes[row] = mode;
    let source = this.sourceIndex.get(file.source);
    if (source === undefined) {
      source = this.sources.push(file.source) - 1;
      this.sourceIndex.set(file.source, source);
    }
    this.sourceIds[row] = source;
    if (file.findings.length > 0) this.findings.set(row, file.findings);
    this.rows.set(path, row);
  }

  has(path: string): boolean {
    return this.rows.has(path);
  }

  get(path: string): WrittenFile | undefined {
    const row = this.rows.get(path);
    return row === undefined ? undefined : this.fileAt(row);
  }

  keys(): MapIterator<string> {
    return this.rows.keys();
  }

  *entries(): MapIterator<[string, WrittenFile]> {
    for (const [path, row] of this.rows) yield [path, this.fileAt(row)];
  }

  *values(): MapIterator<WrittenFile> {
    for (const row of this.rows.values()) yield this.fileAt(row);
  }

  [Symbol.iterator](): MapIterator<[string, WrittenFile]> {
    return this.entries();
  }

  forEach(callback: (value: WrittenFile, key: string, map: ReadonlyMap<string, WrittenFile>) => void, thisArg?: unknown): void {
    for (const [path, row] of this.rows) callback.call(thisArg, this.fileAt(row), path, this);
  }

  private fileAt(row: number): WrittenFile {
    return {
      mode: MODES[this.modes[row]!]!,
      source: this.sources[this.sourceIds[row]!]!,
      sha256: this.digests.toString('hex', row * DIGEST_BYTES, (row + 1) * DIGEST_BYTES),
      findings: this.findings.get(row) ?? NO_FINDINGS,
    };
  }

  /** Doubles every column (amortized: a row costs its copy about once). */
  private grow(): void {
    const capacity = Math.max(1024, this.modes.length * 2);
    const digests = Buffer.alloc(capacity * DIGEST_BYTES);
    this.digests.copy(digests);
    this.digests = digests;
    const modes = new Uint8Array(capacity);
    modes.set(this.modes);
    this.modes = modes;
    const sourceIds = new Uint32Array(capacity);
    sourceIds.set(this.sourceIds);
    this.sourceIds = sourceIds;
  }
}
