/**
 * How workers pack file contents for the main thread (src/parallel/pack-contents.ts), and the
 * buffers a VM worker gets back to pack later chunks into (issue 19).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferPool, ContentPacker, packContents, type PackItem } from '../../src/parallel/pack-contents.js';

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

describe('ContentPacker', () => {
  it('packs items one at a time, growing its buffer as needed, each at an offset that holds its bytes in the final buffer', () => {
    // Texts of every kind (lone surrogates included: 3 bytes each, the most a code unit takes)
    // and sizes past the first buffer, so that it grows and copies what it had.
    const big = fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.integer({ min: 5_000, max: 40_000 })).map(([s, n]) => ({ text: s.repeat(n) }));
    const loneSurrogates = fc.constant({ text: '\uD800a\uDFFF\uDC00' });
    fc.assert(
      fc.property(fc.array(fc.oneof(item, big, loneSurrogates), { maxLength: 12 }), fc.integer({ min: 0, max: 4096 }), (items, expected) => {
        const packer = new ContentPacker(new BufferPool(), expected);
        const placed = items.map((c) => {
          const view = packer.add(c);
          expect(Buffer.compare(view, bytesOf(c))).toBe(0);
          return { offset: view.byteOffset, length: view.length };
        });
        const buffer = packer.finish();
        items.forEach((c, k) => {
          expect(Buffer.compare(Buffer.from(buffer, placed[k]!.offset, placed[k]!.length), bytesOf(c))).toBe(0);
        });
        expect(packer.size).toBe(items.reduce((n, c) => n + bytesOf(c).length, 0));
      }),
      { numRuns: 40 },
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
