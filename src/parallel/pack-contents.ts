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

/** Packs `items` in order, into a buffer from `pool` when given; returns the buffer and each item's view of it. */
export function packContents(items: readonly PackItem[], pool?: BufferPool): { buffer: ArrayBuffer; views: Buffer[] } {
  const lengths = items.map((c) => (c.bytes ? c.bytes.length : Buffer.byteLength(c.text ?? '', 'utf8')));
  let size = 0;
  for (const n of lengths) size += n;
  // Not from Node's shared pool: an ArrayBuffer of its own, which can be transferred, and in
  // which a view's byteOffset is its offset.
  const arrayBuffer = pool ? pool.take(size) : (Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer);
  const buffer = Buffer.from(arrayBuffer, 0, size);
  const views: Buffer[] = [];
  let offset = 0;
  items.forEach((c, k) => {
    const length = c.bytes ? (buffer.set(c.bytes, offset), c.bytes.length) : buffer.write(c.text ?? '', offset, 'utf8');
    if (length !== lengths[k]) throw new Error('internal error: UTF-8 length mismatch');
    views.push(buffer.subarray(offset, offset + length));
    offset += length;
  });
  return { buffer: arrayBuffer, views };
}

/**
 * Packs contents one at a time, as a VM worker renders them, so that a VM's texts can be
 * collected young instead of waiting for the whole chunk (a chunk's texts outlived two
 * scavenges and were promoted: an old-generation collection per chunk). The buffer comes from
 * `pool` and is replaced by a larger one, bytes copied, when a content does not fit; a view
 * returned by `add` is valid until the next `add` (its offset stays valid for good).
 */
export class ContentPacker {
  private arrayBuffer: ArrayBuffer;
  private buffer: Buffer;
  private used = 0;

  constructor(
    private readonly pool: BufferPool,
    expected: number,
  ) {
    this.arrayBuffer = pool.take(expected);
    this.buffer = Buffer.from(this.arrayBuffer);
  }

  /** Appends one content and returns its view. */
  add(item: PackItem): Buffer {
    const start = this.used;
    if (item.bytes) {
      this.reserve(item.bytes.length);
      this.buffer.set(item.bytes, start);
      this.used += item.bytes.length;
    } else {
      const text = item.text ?? '';
      // A UTF-16 code unit is at most 3 bytes of UTF-8: with that much room the text is written
      // whole without measuring it first (measuring is a pass over the text of its own).
      if (this.buffer.length - start < text.length * 3) this.reserve(Buffer.byteLength(text, 'utf8'));
      this.used += this.buffer.write(text, start, 'utf8');
    }
    return this.buffer.subarray(start, this.used);
  }

  /** The bytes packed so far. */
  get size(): number {
    return this.used;
  }

  /** The buffer holding every content at the offsets of its views (it may be longer than `size`). */
  finish(): ArrayBuffer {
    return this.arrayBuffer;
  }

  private reserve(n: number): void {
    if (this.buffer.length - this.used >= n) return;
    const bigger = this.pool.take(Math.max(this.used + n, 2 * this.buffer.length));
    const next = Buffer.from(bigger);
    this.buffer.copy(next, 0, 0, this.used);
    this.pool.give(this.arrayBuffer);
    this.arrayBuffer = bigger;
    this.buffer = next;
  }
}

/**
 * The buffers a VM worker packs its chunks into, given back by the main thread once it has
 * written a chunk's files (RecycleMessage, protocol.ts). Each chunk used to get a new buffer,
 * allocated by the worker's thread and freed by the main thread's collector whenever it next ran:
 * up to tens of megabytes of dead chunks waited for it, and glibc kept much of what they freed
 * (the same 5,000 × 4 render peaked ~55 MB lower with MALLOC_ARENA_MAX=2 or a fixed
 * MALLOC_MMAP_THRESHOLD_). Going round, a few buffers serve the whole fleet.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** Keeps `buffer` for a later chunk (at most POOL_MAX; the smallest goes first). */
  give(buffer: ArrayBuffer): void {
    this.free.push(buffer);
    this.free.sort((a, b) => a.byteLength - b.byteLength);
    if (this.free.length > POOL_MAX) this.free.shift();
  }

  /** The smallest kept buffer that holds `size` bytes, or a new one with room for a somewhat larger chunk. */
  take(size: number): ArrayBuffer {
    const at = this.free.findIndex((b) => b.byteLength >= size);
    if (at >= 0) return this.free.splice(at, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.ceil((size * 1.25) / GRAIN) * GRAIN).buffer as ArrayBuffer;
  }
}

/** A worker has at most this many buffers on hand: two chunks are in flight per worker, so three or four go round. */
const POOL_MAX = 4;
/** New buffers are sized in steps of this many bytes, so the next chunk, a little larger, still fits. */
const GRAIN = 2 ** 20;
