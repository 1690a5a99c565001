/**
 * Deterministic gzip: the same bytes in give the same bytes out, on every run and machine.
 * Shared by the tar.gz archive writer and `vmonboard userdata --encoding gzip`.
 */
import { gzipSync } from 'node:zlib';

/** Byte 9 of a gzip member: the OS that wrote it (RFC 1952 §2.3.1); 3 = Unix. */
const OS_BYTE = 9;
const OS_UNIX = 3;

/**
 * Gzips `data` at level 9. Node's zlib writes MTIME 0 and no FNAME/FCOMMENT (RFC 1952 §2.3), so
 * the header carries no time or file name; the OS byte, which zlib sets from the platform it was
 * built for, is pinned to Unix so Windows and Linux agree. The header has no CRC (no FHCRC flag),
 * so rewriting that byte keeps the member valid.
 */
export function gzipDeterministic(data: Uint8Array): Buffer {
  const out = gzipSync(data, { level: 9 });
  out[OS_BYTE] = OS_UNIX;
  return out;
}

/** True when `data` starts with the gzip magic bytes (what cloud-init itself checks). */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}
