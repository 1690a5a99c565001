/**
 * How a worker hands file contents to the main thread: every content of a message in one buffer,
 * texts as UTF-8, transferred rather than copied (and half the memory of a JS string holding the
 * header's em dash). Shared by the VM workers' chunks and the end worker's batches.
 */

/** A content to pack: its bytes when it has them (a gzipped payload, copied as they are), else its text (written as UTF-8). */
export interface PackItem {
  text?: string;
  bytes?: Uint8Array;
}

/** Packs `items` in order; returns the buffer and each item's view of it. */
export function packContents(items: readonly PackItem[]): { buffer: ArrayBuffer; views: Buffer[] } {
  const lengths = items.map((c) => (c.bytes ? c.bytes.length : Buffer.byteLength(c.text ?? '', 'utf8')));
  let size = 0;
  for (const n of lengths) size += n;
  // Not from Node's shared pool: an ArrayBuffer of its own, which can be transferred, and in
  // which a view's byteOffset is its offset.
  const buffer = Buffer.allocUnsafeSlow(size);
  const views: Buffer[] = [];
  let offset = 0;
  items.forEach((c, k) => {
    const length = c.bytes ? (buffer.set(c.bytes, offset), c.bytes.length) : buffer.write(c.text ?? '', offset, 'utf8');
    if (length !== lengths[k]) throw new Error('internal error: UTF-8 length mismatch');
    views.push(buffer.subarray(offset, offset + length));
    offset += length;
  });
  return { buffer: buffer.buffer as ArrayBuffer, views };
}
