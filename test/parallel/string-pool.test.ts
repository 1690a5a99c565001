/**
 * One copy of each equal string among the usage records that cross between threads
 * (src/parallel/string-pool.ts, issue 19). Which copy a string is cannot be seen from JavaScript,
 * so the heap is measured: records that came through a structured clone hold a copy each, and
 * interned they hold one between them.
 */
import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/parallel/string-pool.js';
import { collectGarbage } from '../../src/parallel/collect-garbage.js';

interface Usage {
  trustDomains: string[];
  spire: { address: string; port: number };
  hosts: Record<string, string>;
  network: string;
}

const record = (i: number): Usage => ({
  trustDomains: ['example.org'],
  spire: { address: `spire-server.${'spire-system.'.repeat(40)}svc`, port: 8081 },
  hosts: { 'istiod.istio-system.svc': '10.0.0.1', [`vm-${i}.example.org`]: `10.1.${i >> 8}.${i & 255}` },
  network: 'vm-network',
});

describe('StringPool', () => {
  it('returns the same values, with each equal string held once', () => {
    const made = Array.from({ length: 20_000 }, (_, i) => record(i));
    // As the main thread gets them from the workers: every string a copy of its own.
    const held = (intern: boolean): { records: Usage[]; bytes: number } => {
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      const pool = new StringPool();
      const records = made.map((r) => (intern ? pool.intern(structuredClone(r)) : structuredClone(r)));
      collectGarbage();
      return { records, bytes: process.memoryUsage().heapUsed - before };
    };
    const plain = held(false);
    const interned = held(true);
    expect(interned.records).toEqual(made);
    expect(plain.records).toEqual(made);
    // The spire address alone is 535 characters, copied 20,000 times: about 10 MB.
    expect(plain.bytes - interned.bytes).toBeGreaterThan(8 * 2 ** 20);
  });
});
