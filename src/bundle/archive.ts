/**
 * Bundle archives (tar.gz, zip) that are byte-identical across runs: entries in byte order,
 * directories listed before their files, a fixed date and explicit modes (archiver EntryData
 * `{name, date, mode}`), owner 0:0. archiver is imported lazily: only `render --archive` pays
 * its load time.
 */
import { Writable } from 'node:stream';
import type { Bundle } from './bundle.js';
import { gzipDeterministic } from './gzip.js';

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
 * Builds the archive of a bundle in memory (bundles are small: their payloads must fit in user
 * data). For tar.gz the tar is gzipped by gzipDeterministic rather than archiver's own gzip
 * stream, so the gzip header is pinned too.
 */
export async function buildBundleArchive(bundle: Bundle, format: ArchiveFormat): Promise<Buffer> {
  const { default: archiver } = await import('archiver');
  const archive = format === 'zip' ? archiver('zip', { zlib: { level: 9 } }) : archiver('tar');
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve);
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  archive.pipe(sink);
  // Sorting all names together puts "a/" before "a/b" and "a/b" before "a/c/", so each
  // directory entry precedes its contents.
  const entries: Array<[string, Buffer, number, boolean]> = [
    ...listDirectories(bundle).map((d): [string, Buffer, number, boolean] => [d, Buffer.alloc(0), 0o755, true]),
    ...[...bundle].map(([p, f]): [string, Buffer, number, boolean] => [p, Buffer.from(f.content), f.mode, false]),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, content, mode, isDir] of entries) {
    archive.append(content, { name, date: ARCHIVE_DATE, mode, ...(isDir ? { type: 'directory' as const } : {}) });
  }
  await archive.finalize();
  await done;
  const raw = Buffer.concat(chunks);
  return format === 'tar.gz' ? gzipDeterministic(raw) : raw;
}
