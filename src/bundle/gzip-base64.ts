/**
 * The `gz+b64` text codec of cloud-config write_files (gzip level 9, then base64), with a short
 * memory of what it encoded. The secret scanner judges what cloud-init will write, so it decodes
 * every `gz+b64` item of a cloud-config; for the payloads this process just encoded, the memory
 * hands back the text instead of a base64 decode and a gunzip (a third of the scan of a
 * cloud-init VM). gzip is lossless, so the remembered text is exactly what decoding would give.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * How many encodings are remembered, oldest out first. A text is forgotten once it has been
 * decoded, so this bounds what is encoded and never scanned (`explain` renders payloads without
 * scanning them), which a long-running library process would otherwise keep: at most ~256 ×
 * 45 KB. It covers what one scan waits for: a worker's chunk (at most 64 VMs) or a fleet
 * small enough for the main thread (fewer than 200 VMs). A miss just does the real decode.
 */
const REMEMBERED_MAX = 256;
const remembered = new Map<string, string>();

/** gzip (level 9; Node's zlib writes MTIME 0 and no file name) then base64: deterministic for a given zlib. */
export function encodeGzipBase64(text: string): string {
  const encoded = gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64');
  // Only well-formed text: a lone surrogate would come back from the bytes as U+FFFD.
  if ((text as string & { isWellFormed(): boolean }).isWellFormed()) remembered.set(encoded, text);
  if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.keys().next().value as string);
  return encoded;
}

/** The text `encoded` decodes to (UTF-8); throws when it is not base64 of a whole gzip member. */
export function decodeGzipBase64(encoded: string): string {
  const known = remembered.get(encoded);
  if (known !== undefined) {
    remembered.delete(encoded);
    return known;
  }
  return gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
}
