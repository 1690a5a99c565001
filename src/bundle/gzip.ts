/**
 * Deterministic gzip: the same bytes in give the same bytes out, on every run and machine.
 * Shared by the tar.gz archive writer and `vmonboard userdata --encoding gzip`.
 */
import { createGzip, gzipSync, type Gzip } from 'node:zlib';

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

/**
 * A gzip stream for gzipDeterministic's bytes: level 9. Its reader pins the header's OS byte
 * with pinGzipOsByte. zlib's deflate waits for more input rather than ending a block early
 * without a flush, so the output does not depend on how the input was split into writes: a
 * streamed archive equals gzipDeterministic of the whole tar (test/bundle/archive.test.ts),
 * without holding the tar.
 */
export function createDeterministicGzip(): Gzip {
  return createGzip({ level: 9 });
}

/** Pins the OS byte (see gzipDeterministic) in `chunk`, the bytes at `offset` of a gzip stream's output, when it holds that byte. */
export function pinGzipOsByte(chunk: Uint8Array, offset: number): void {
  if (offset <= OS_BYTE && offset + chunk.length > OS_BYTE) chunk[OS_BYTE - offset] = OS_UNIX;
}

/** True when `data` starts with the gzip magic bytes (what cloud-init itself checks). */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}
