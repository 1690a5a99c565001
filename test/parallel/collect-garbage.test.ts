/**
 * The main thread's one full collection before a fleet's VM phase (src/parallel/collect-garbage.ts,
 * issue 19): it really collects, and the flag it needs leaves no `gc` behind, here or in a worker.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/parallel/collect-garbage.js';

describe('collectGarbage', () => {
  it('frees what is no longer reachable', () => {
    const make = (): number => {
      // About 100 MB of small objects, garbage as soon as this returns.
      const junk: Array<{ i: number; s: string }> = [];
      for (let i = 0; i < 1_500_000; i++) junk.push({ i, s: `item ${i}` });
      return junk.length;
    };
    expect(make()).toBe(1_500_000);
    const before = process.memoryUsage().heapUsed;
    collectGarbage();
    const freed = before - process.memoryUsage().heapUsed;
    expect(freed).toBeGreaterThan(50 * 2 ** 20);
  });

  it('leaves no gc function on this context, or on a worker started after it', async () => {
    collectGarbage();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(typeof gc)", { eval: true });
    const seen = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toBe('undefined');
  });
});
