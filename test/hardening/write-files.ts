/**
 * Decodes cloud-init `write_files` items the way cc_write_files does (cloud-init
 * config/cc_write_files.py `decode_perms`/`extract_contents`: b64/base64, gz/gzip, and their
 * combinations; anything else is text). The payload may choose any of these encodings (a compact
 * form trades readability for size), so the properties compare decoded bytes, never the YAML form.
 */
import { gunzipSync } from 'node:zlib';

/** One write_files item as PyYAML reads it. */
export interface WriteFileItem {
  path: string;
  content?: string;
  encoding?: string;
  owner?: string;
  permissions?: string;
}

/** cloud-init's encoding names (cc_write_files.py `canonicalize_extraction`). */
const GZIP_B64 = new Set(['gz+base64', 'gzip+base64', 'gz+b64', 'gzip+b64']);
const B64 = new Set(['b64', 'base64']);
const GZIP = new Set(['gz', 'gzip']);

/** Returns the bytes cloud-init would write for an item, as UTF-8 text. */
export function decodeWriteFile(item: WriteFileItem): string {
  const content = item.content ?? '';
  const encoding = (item.encoding ?? 'text/plain').toLowerCase();
  if (GZIP_B64.has(encoding)) return gunzipSync(Buffer.from(content, 'base64')).toString('utf8');
  if (B64.has(encoding)) return Buffer.from(content, 'base64').toString('utf8');
  // A gzip item without base64 holds binary in a YAML string; cloud-init then writes those bytes.
  if (GZIP.has(encoding)) return gunzipSync(Buffer.from(content, 'latin1')).toString('utf8');
  return content;
}

/** The decoded write_files of a parsed `#cloud-config`, by path. */
export function writeFilesByPath(cloudConfig: unknown): Map<string, string> {
  const items = ((cloudConfig as { write_files?: WriteFileItem[] } | null)?.write_files ?? []) as WriteFileItem[];
  return new Map(items.map((i) => [i.path, decodeWriteFile(i)]));
}
