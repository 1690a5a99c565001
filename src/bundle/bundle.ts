/**
 * The bundle: an ordered map of relative path → file. Translators add files; writers (directory,
 * archive, stdout) are the only code that does I/O with it. Paths are checked here once, so no
 * writer can be tricked into leaving the output directory.
 */

/** File modes used in bundles: scripts 0755, configs 0644, anything sensitive 0600. */
export type FileMode = 0o755 | 0o644 | 0o600;

/** One file of a bundle. */
export interface BundleFile {
  content: string | Uint8Array;
  mode: FileMode;
  /** JSON pointer into the spec that this file comes from ('' for the whole spec). */
  source: string;
}

/** A rendered bundle, keyed by POSIX relative path, in sorted order. */
export type Bundle = ReadonlyMap<string, BundleFile>;

const SAFE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*$/;

/** Collects files for a bundle; rejects unsafe or duplicate paths (a translator bug). */
export class BundleBuilder {
  private readonly files = new Map<string, BundleFile>();

  /** Adds a file; throws if the path is unsafe or already taken. */
  add(path: string, content: string | Uint8Array, opts: { mode?: FileMode; source?: string } = {}): void {
    if (!SAFE_PATH.test(path)) throw new Error(`unsafe bundle path: ${JSON.stringify(path)}`);
    if (this.files.has(path)) throw new Error(`duplicate bundle path: ${path}`);
    this.files.set(path, { content, mode: opts.mode ?? 0o644, source: opts.source ?? '' });
  }

  /** True when the path was added. */
  has(path: string): boolean {
    return this.files.has(path);
  }

  /** Returns the content of an added file (for files derived from others, e.g. manifests). */
  get(path: string): BundleFile | undefined {
    return this.files.get(path);
  }

  /** Returns the bundle with paths in byte order (deterministic). */
  build(): Bundle {
    return new Map([...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
