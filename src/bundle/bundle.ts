/**
 * The bundle: an ordered map of relative path → file. Translators add files; writers (directory,
 * archive, stdout) are the only code that does I/O with it. Paths are checked here once, so no
 * writer can be tricked into leaving the output directory.
 */
import type { FileMode } from './file-mode.js';
import { WrittenFiles, type WrittenFile } from './written-files.js';

export type { FileMode } from './file-mode.js';
export type { WrittenFile } from './written-files.js';

/** One file of a bundle. */
export interface BundleFile {
  content: string | Uint8Array;
  mode: FileMode;
  /** JSON pointer into the spec that this file comes from ('' for the whole spec). */
  source: string;
}

/** A rendered bundle, keyed by POSIX relative path, in sorted order. */
export type Bundle = ReadonlyMap<string, BundleFile>;

/**
 * Where a streaming build puts files as they are produced (the output directory's temp tree).
 * Synchronous, and it keeps no view of the bytes: once it returns, the caller reuses the buffer
 * under them (a parallel build gives a chunk's buffer back to its worker).
 */
export interface BundleSink {
  write(path: string, content: Uint8Array, mode: FileMode): void;
}

const SAFE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*$/;

/** Collects files for a bundle; rejects unsafe or duplicate paths (a translator bug). */
export class BundleBuilder {
  private readonly files = new Map<string, BundleFile>();
  private readonly streamed = new WrittenFiles();

  /** Adds a file; throws if the path is unsafe or already taken. */
  add(path: string, content: string | Uint8Array, opts: { mode?: FileMode; source?: string } = {}): void {
    this.claim(path);
    this.files.set(path, { content, mode: opts.mode ?? 0o644, source: opts.source ?? '' });
  }

  /**
   * Records a file written to `sink` now (the bytes are not kept). Same path rules as add; the
   * file counts for has() but get() cannot return it.
   */
  addWritten(sink: BundleSink, path: string, content: Uint8Array, file: WrittenFile): void {
    this.claim(path);
    sink.write(path, content, file.mode);
    this.streamed.add(path, file);
  }

  /** True when the path was added (kept or written). */
  has(path: string): boolean {
    return this.files.has(path) || this.streamed.has(path);
  }

  /** Returns the content of an added file (for files derived from others, e.g. manifests). */
  get(path: string): BundleFile | undefined {
    return this.files.get(path);
  }

  /** Returns the bundle with paths in byte order (deterministic): the files kept in memory. */
  build(): Bundle {
    return new Map([...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The files already written to a sink (addWritten), in the order they came. */
  written(): ReadonlyMap<string, WrittenFile> {
    return this.streamed;
  }

  protected claim(path: string): void {
    if (!SAFE_PATH.test(path)) throw new Error(`unsafe bundle path: ${JSON.stringify(path)}`);
    if (this.has(path)) throw new Error(`duplicate bundle path: ${path}`);
  }
}
