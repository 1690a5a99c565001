/**
 * Bundle archives (tar.gz, zip) that are byte-identical across runs: entries in byte order,
 * directories listed before their files, a fixed date and explicit modes (archiver EntryData
 * `{name, date, mode}`), owner 0:0. archiver is imported lazily: only `render --archive` pays
 * its load time.
 */
import { Transform, Writable } from 'node:stream';
import type { Bundle, WrittenFile } from './bundle.js';
import { createDeterministicGzip, pinGzipOsByte } from './gzip.js';

/** Archive formats `render --archive` writes. */
export type ArchiveFormat = 'tar.gz' | 'zip';

/**
 * The date every entry carries. zip stores DOS time, which starts in 1980 and is written in UTC
 * by compress-commons unless forceLocalTime is set, so one UTC instant gives the same bytes in
 * every time zone.
 */
export const ARCHIVE_DATE = new Date('2000-01-01T00:00:00Z');

/** Picks the format from a file name (`.tar.gz`/`.tgz` or `.zip`); undefined when neither. */
export function archiveFormatFor(fileName: string): ArchiveFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.zip')) return 'zip';
  return undefined;
}

/**
 * Every archive entry in byte order: each directory (`a/`, with its trailing slash) just before
 * the first file under it, since sorting all names together puts "a/" before "a/b" and "a/b"
 * before "a/c/". Files with a common directory are contiguous in byte order, so a directory's
 * entry is due exactly when the first of them comes. Made as the archive goes: listing a fleet's
 * 150,000 directories and 350,000 files as sorted pairs first held ~30 MB at 5,000 × 4.
 */
export function* archiveEntries(files: readonly ArchiveFile[]): Generator<[name: string, file: ArchiveFile | undefined]> {
  const byPath = (a: ArchiveFile, b: ArchiveFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const sorted = files.every((f, i) => i === 0 || files[i - 1]!.path < f.path) ? files : [...files].sort(byPath);
  // The directories of the previous file, outermost first ("a/", "a/b/").
  const open: string[] = [];
  for (const file of sorted) {
    let depth = 0;
    for (let slash = file.path.indexOf('/'); slash > 0; slash = file.path.indexOf('/', slash + 1), depth++) {
      const dir = file.path.slice(0, slash + 1);
      if (open[depth] === dir) continue;
      open.length = depth;
      open.push(dir);
      yield [dir, undefined];
    }
    open.length = depth;
    yield [file.path, file];
  }
}

/** One file of an archive: its bundle path, its mode, and its bytes, read when the archive reaches it. */
export interface ArchiveFile {
  path: string;
  mode: number;
  bytes(): Buffer;
}

/**
 * An archive entry whose bytes are read back from disk when the archive reaches it (a streamed
 * render's files): a method, not a closure per file (350,000 of them at 5,000 × 4), reads it.
 */
export class ReadBackFile implements ArchiveFile {
  constructor(
    readonly path: string,
    readonly mode: number,
    private readonly from: { read(path: string): Buffer },
  ) {}

  bytes(): Buffer {
    return this.from.read(this.path);
  }
}

/** Every file of a streamed render (what `bundle` holds and what went to disk, `written`) as an entry read back through `from`, in byte order. */
export function readBackFiles(bundle: Bundle, written: ReadonlyMap<string, WrittenFile> | undefined, from: { read(path: string): Buffer }): ArchiveFile[] {
  const entries: ArchiveFile[] = [];
  for (const [path, f] of bundle) entries.push(new ReadBackFile(path, f.mode, from));
  if (written) for (const [path, f] of written) entries.push(new ReadBackFile(path, f.mode, from));
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files of a bundle held in memory, as archive entries. */
export function bundleArchiveFiles(bundle: Bundle): ArchiveFile[] {
  return [...bundle].map(([path, f]) => ({ path, mode: f.mode, bytes: () => asBuffer(f.content) }));
}

/** Builds the archive of a bundle held in memory (see streamArchive). */
export async function buildBundleArchive(bundle: Bundle, format: ArchiveFormat): Promise<Buffer> {
  return buildArchive(bundleArchiveFiles(bundle), format);
}

/** Bytes handed to archiver and not yet written out, beyond which buildArchive waits before reading more. */
const PENDING_BYTES = 16 << 20;

/** Builds an archive in memory (see streamArchive). */
export async function buildArchive(files: readonly ArchiveFile[], format: ArchiveFormat): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await streamArchive(files, format, (chunk) => {
    chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/**
 * Makes an archive, handing its bytes to `write` as they come. For tar.gz the tar streams
 * through createDeterministicGzip rather than archiver's own gzip stream, so the gzip header is
 * pinned too: a fleet's tar is hundreds of megabytes and is never held. Each file's bytes are
 * asked for only when fewer than PENDING_BYTES wait in archiver, so files read from disk (a
 * streamed render's scratch tree) are never all in memory at once. `write` may return a promise:
 * no more is written until it settles. Returns the archive's size.
 */
export async function streamArchive(files: readonly ArchiveFile[], format: ArchiveFormat, write: (chunk: Buffer) => void | Promise<void>): Promise<number> {
  const { default: archiver } = await import('archiver');
  const archive = format === 'zip' ? archiver('zip', { zlib: { level: 9 } }) : archiver('tar');
  const gzip = format === 'tar.gz' ? createDeterministicGzip() : undefined;
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (gzip) pinGzipOsByte(chunk, size);
      size += chunk.length;
      let wrote: void | Promise<void>;
      try {
        wrote = write(chunk);
      } catch (err) {
        cb(err as Error);
        return;
      }
      // A writer that must wait (a stream's buffer is full) holds the next chunk back until it may go on.
      if (wrote) wrote.then(() => cb(), cb);
      else cb();
    },
  });
  let failure: unknown;
  let wake: (() => void) | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const fail = (err: unknown): void => {
      failure ??= err;
      wake?.();
      reject(err);
    };
    sink.on('finish', resolve);
    sink.on('error', fail);
    archive.on('error', fail);
    archive.on('warning', fail);
    gzip?.on('error', fail);
  });
  // A failure while entries are still being added is reported by `await done` below.
  done.catch(() => undefined);
  if (gzip) archive.pipe(coalesce()).pipe(gzip).pipe(sink);
  else archive.pipe(sink);
  // archiver processes entries in the order they were appended and emits 'entry' for each.
  const sizes: number[] = [];
  let pending = 0;
  archive.on('entry', () => {
    pending -= sizes.shift() ?? 0;
    if (pending < PENDING_BYTES) wake?.();
  });
  for (const [name, file] of archiveEntries(files)) {
    while (pending >= PENDING_BYTES && failure === undefined) await new Promise<void>((r) => (wake = r));
    if (failure !== undefined) break;
    const content = file ? file.bytes() : Buffer.alloc(0);
    sizes.push(content.length);
    pending += content.length;
    archive.append(content, { name, date: ARCHIVE_DATE, mode: file ? file.mode : 0o755, ...(file ? {} : { type: 'directory' as const }) });
  }
  if (failure === undefined) await archive.finalize();
  await done;
  return size;
}

/** Bytes handed on in pieces of at least this size. */
const COALESCE_BYTES = 1 << 20;

/**
 * Joins archiver's output (a 512-byte header, then the content, per entry: 140,000 writes for a
 * fleet) into megabyte pieces for gzip: zlib's per-write overhead made the streamed archive
 * slower than gzipping the whole tar at once.
 */
function coalesce(): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= COALESCE_BYTES) {
        this.push(Buffer.concat(pending, size));
        pending = [];
        size = 0;
      }
      cb();
    },
    flush(cb) {
      if (size > 0) this.push(Buffer.concat(pending, size));
      cb();
    },
  });
}

/** A file's bytes as a Buffer: a view of bytes it already has (Buffer.from would copy a fleet's worth), UTF-8 for text. */
function asBuffer(content: string | Uint8Array): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}
