/**
 * The columns a streaming build keeps per written file (src/bundle/written-files.ts, issue 19):
 * read back as a Map of WrittenFile, they give exactly what went in, in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WrittenFile } from '../../src/bundle/bundle.js';
import { WrittenFiles } from '../../src/bundle/written-files.js';

const writtenFile: fc.Arbitrary<WrittenFile> = fc.record({
  mode: fc.constantFrom(0o644 as const, 0o755 as const, 0o600 as const),
  source: fc.constantFrom('', '/workloads/0/platforms/1', '/spire', '/workloads/12'),
  sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
  findings: fc.array(fc.record({ pattern: fc.constantFrom('private-key', 'aws-access-key'), what: fc.string(), line: fc.nat() }), { maxLength: 2 }),
});

describe('WrittenFiles', () => {
  it('reads back every file as it was recorded, in the order recorded, past the first growth', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,8}(\/[a-z.]{1,8}){0,3}$/), writtenFile), { selector: ([p]) => p, minLength: 0, maxLength: 3000 }), (rows) => {
        const written = new WrittenFiles();
        const reference = new Map<string, WrittenFile>();
        for (const [path, file] of rows) {
          written.add(path, file);
          reference.set(path, file);
        }
        expect(written.size).toBe(reference.size);
        expect([...written]).toEqual([...reference]);
        expect([...written.keys()]).toEqual([...reference.keys()]);
        expect([...written.values()]).toEqual([...reference.values()]);
        const seen: Array<[string, WrittenFile]> = [];
        written.forEach((f, p, map) => {
          expect(map).toBe(written);
          seen.push([p, f]);
        });
        expect(seen).toEqual([...reference]);
        for (const [path, file] of reference) {
          expect(written.has(path)).toBe(true);
          expect(written.get(path)).toEqual(file);
        }
        expect(written.get('not/recorded')).toBeUndefined();
        expect(written.has('not/recorded')).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a digest that is not 64 lowercase hex digits, and a mode no bundle uses', () => {
    const written = new WrittenFiles();
    const file: WrittenFile = { mode: 0o644, source: '', sha256: 'ab'.repeat(32), findings: [] };
    expect(() => written.add('a', { ...file, sha256: 'ab'.repeat(31) })).toThrow(/internal error: a came with .* for its sha256/);
    expect(() => written.add('a', { ...file, sha256: 'AB'.repeat(32) })).toThrow(/for its sha256/);
    expect(() => written.add('a', { ...file, mode: 0o700 as WrittenFile['mode'] })).toThrow(/mode 700/);
    expect(written.size).toBe(0);
    written.add('a', file);
    expect(written.get('a')).toEqual(file);
  });
});
