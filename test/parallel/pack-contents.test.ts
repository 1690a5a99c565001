/**
 * How workers pack file contents for the main thread (src/parallel/pack-contents.ts), and the
 * buffers a VM worker gets back to pack later chunks into (issue 19).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferPool, packContents, type PackItem } from '../../src/parallel/pack-contents.js';

const item: fc.Arbitrary<PackItem> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes })),
);
const bytesOf = (c: PackItem): Buffer => (c.bytes ? Buffer.from(c.bytes) : Buffer.from(c.text ?? '', 'utf8'));

describe('packContents', () => {
  it('gives each item a view of its own bytes (texts as UTF-8), in a pooled buffer as in a new one', () => {
    const pool = new BufferPool();
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        for (const packed of [packContents(items), packContents(items, pool)]) {
          items.forEach((c, k) => {
            const view = packed.views[k]!;
            expect(view.buffer).toBe(packed.buffer);
            expect(Buffer.compare(view, bytesOf(c))).toBe(0);
          });
        }
        // Given back, as the main thread does once it has written a chunk.
        pool.give(packContents(items, pool).buffer);
      }),
    );
  });
});

describe('BufferPool', () => {
  it('hands back the smallest buffer that fits, and a new one with room to spare when none does', () => {
    const pool = new BufferPool();
    const small = new ArrayBuffer(1000);
    const large = new ArrayBuffer(5000);
    pool.give(large);
    pool.give(small);
    expect(pool.take(900)).toBe(small);
    expect(pool.take(900)).toBe(large);
    const fresh = pool.take(3 * 2 ** 20);
    expect(fresh).not.toBe(small);
    expect(fresh.byteLength).toBeGreaterThanOrEqual(1.25 * 3 * 2 ** 20);
    expect(fresh.byteLength % 2 ** 20).toBe(0);
  });

  it('keeps at most four buffers, dropping the smallest', () => {
    const pool = new BufferPool();
    const buffers = [1, 2, 3, 4, 5].map((n) => new ArrayBuffer(n * 100));
    for (const b of buffers) pool.give(b);
    const taken = [pool.take(0), pool.take(0), pool.take(0), pool.take(0)];
    expect(taken).toEqual(buffers.slice(1));
    expect(taken.every((b, i) => b === buffers[i + 1])).toBe(true);
    expect(pool.take(0)).not.toBe(buffers[0]);
  });
});
