/**
 * Bundle archives (tar.gz, zip) that are byte-identical across runs: entries in byte order,
 * directories listed before their files, a fixed date and explicit modes (archiver EntryData
 * `{name, date, mode}`), owner 0:0. archiver is imported lazily: only `render --archive` pays
 * its load time.
 */
import { Transform, Writable } from 'node:stream';
import type { Bundle } from './bundle.js';
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

/** Every directory that holds a bundle file, parents first, in byte order ("a/", "a/b/"). */
function listDirectories(bundle: Bundle): string[] {
  const dirs = new Set<string>();
  for (const path of bundle.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  return [...dirs];
}

/**
 * Builds the archive of a bundle in memory. For tar.gz the tar streams through
 * createDeterministicGzip rather than archiver's own gzip stream, so the gzip header is pinned
 * too, and only the compressed archive is held: a fleet's tar is hundreds of megabytes.
 */
export async function buildBundleArchive(bundle: Bundle, format: ArchiveFormat): Promise<Buffer> {
  const { default: archiver } = await import('archiver');
  const archive = format === 'zip' ? archiver('zip', { zlib: { level: 9 } }) : archiver('tar');
  const gzip = format === 'tar.gz' ? createDeterministicGzip() : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (gzip) pinGzipOsByte(chunk, size);
      size += chunk.length;
      chunks.push(chunk);
      cb();
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve);
    archive.on('error', reject);
    archive.on('warning', reject);
    gzip?.on('error', reject);
  });
  if (gzip) archive.pipe(coalesce()).pipe(gzip).pipe(sink);
  else archive.pipe(sink);
  // Sorting all names together puts "a/" before "a/b" and "a/b" before "a/c/", so each
  // directory entry precedes its contents.
  const entries: Array<[string, Buffer, number, boolean]> = [
    ...listDirectories(bundle).map((d): [string, Buffer, number, boolean] => [d, Buffer.alloc(0), 0o755, true]),
    ...[...bundle].map(([p, f]): [string, Buffer, number, boolean] => [p, asBuffer(f.content), f.mode, false]),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, content, mode, isDir] of entries) {
    archive.append(content, { name, date: ARCHIVE_DATE, mode, ...(isDir ? { type: 'directory' as const } : {}) });
  }
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
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
