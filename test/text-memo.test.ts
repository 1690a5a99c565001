/** TextMemo computes once per distinct text, short or long, and never confuses two long texts with equal ends. */
import { describe, expect, it } from 'vitest';
import { MAX_CONTENT_HASHED_CHARS, TextMemo } from '../src/text-memo.js';

describe('TextMemo', () => {
  it('computes each distinct text once, on both sides of the V8 hashing limit', () => {
    const memo = new TextMemo<number>();
    let calls = 0;
    const compute = (t: string): number => (calls++, t.length);
    const short = 'x'.repeat(MAX_CONTENT_HASHED_CHARS);
    const long = 'y'.repeat(MAX_CONTENT_HASHED_CHARS + 1);
    for (let i = 0; i < 3; i++) {
      expect(memo.get(short, compute)).toBe(MAX_CONTENT_HASHED_CHARS);
      // A fresh copy of the same text: equal by value, so still one computation.
      expect(memo.get(long.slice(0), compute)).toBe(MAX_CONTENT_HASHED_CHARS + 1);
    }
    expect(calls).toBe(2);
  });

  it('keeps long texts apart that share their length and both ends (the fingerprint)', () => {
    const memo = new TextMemo<string>();
    const body = (c: string): string => `${'a'.repeat(10_000)}${c}${'b'.repeat(10_000)}`;
    expect(memo.get(body('1'), (t) => t.slice(10_000, 10_001))).toBe('1');
    expect(memo.get(body('2'), (t) => t.slice(10_000, 10_001))).toBe('2');
    expect(memo.get(body('1'), () => 'recomputed')).toBe('1');
  });
});
