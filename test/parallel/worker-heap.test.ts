/**
 * The VM workers' heap plan (src/parallel/worker-heap.ts): workers' old generations are capped,
 * so the plan must leave room for what a worker really holds: its model and the chunk it renders,
 * whose VMs each embed every file the model carries (a CA bundle) several times.
 */
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { CHUNK_BYTES, estimateVmBytes, MAX_CHUNK_VMS, planEndWorkerHeap, planWorkerHeap } from '../../src/parallel/worker-heap.js';
import { buildBundleParallel, type VmWorkerPool } from '../../src/parallel/render-parallel.js';
import { buildBundle } from '../../src/build-bundle.js';
import { validateSpecFile } from '../../src/api.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const MB = 2 ** 20;

describe('worker heap plan', () => {
  it('gives the bench fleets 96 MB and chunks of 64 VMs, the figures docs/performance.md measured', () => {
    // 1,000 × 4: the model serializes to 1.5 MB, everything but its workloads to 5.8 KB.
    expect(planWorkerHeap(1_512_045, 128 * 1024 + 8 * 5_773)).toEqual({ maxChunkVms: 64, oldGenerationMb: 96 });
  });

  it('cuts the chunks of VMs that embed a large file, and keeps room for two of them and the model', () => {
    // A 500 KB CA bundle: each VM carries it several times.
    const vmBytes = 128 * 1024 + 8 * 500 * 1024;
    const plan = planWorkerHeap(2 * MB, vmBytes);
    expect(plan.maxChunkVms).toBeLessThanOrEqual(4);
    expect(plan.oldGenerationMb * MB).toBeGreaterThanOrEqual(2 * plan.maxChunkVms * vmBytes + 2.5 * 2 * MB);
  });

  it('for any model and VM size: at least one VM per chunk, no more than CHUNK_BYTES of VMs past the first, and room for two chunks and the model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * MB }), fc.integer({ min: 1024, max: 256 * MB }), (modelBytes, vmBytes) => {
        const { maxChunkVms, oldGenerationMb } = planWorkerHeap(modelBytes, vmBytes);
        expect(maxChunkVms).toBeGreaterThanOrEqual(1);
        expect(maxChunkVms).toBeLessThanOrEqual(MAX_CHUNK_VMS);
        if (maxChunkVms > 1) expect(maxChunkVms * vmBytes).toBeLessThanOrEqual(CHUNK_BYTES);
        expect(oldGenerationMb * MB).toBeGreaterThanOrEqual(2 * maxChunkVms * vmBytes + 4 * modelBytes);
        expect(oldGenerationMb).toBeGreaterThanOrEqual(96);
      }),
    );
  });

  it('counts every file the model carries into the size of a VM', async () => {
    const v = await validateSpecFile(`${PROJECT_ROOT}/examples/quickstart.yaml`);
    const model = v.model!;
    const base = estimateVmBytes(model);
    const root = model.trust.meshRootCA;
    if (root.kind !== 'inline') throw new Error('the quickstart embeds its mesh root CA');
    // A root bundle a megabyte larger (its content is what every VM embeds).
    const withBigCa = { ...model, trust: { ...model.trust, meshRootCA: { ...root, content: `${root.content}${'x'.repeat(MB)}` } } };
    expect(serialize(withBigCa).length - serialize(model).length).toBeGreaterThan(MB);
    expect(estimateVmBytes(withBigCa) - base).toBeGreaterThanOrEqual(8 * MB);
  });

  it('replaces a pool started before the model existed when its heaps are too small for this model', async () => {
    const v = await validateSpecFile(`${PROJECT_ROOT}/examples/quickstart.yaml`);
    const close = vi.fn(async () => undefined);
    const small: VmWorkerPool = { workers: [], oldGenerationMb: 1, failure: () => undefined, close };
    // From the TypeScript sources there is no worker entry, so the replacement is buildBundle itself.
    const built = await buildBundleParallel(v.model!, { pool: small, minVms: 1 });
    expect(close).toHaveBeenCalled();
    expect([...built.bundle.keys()]).toEqual([...buildBundle(v.model!).bundle.keys()]);
  });
});

describe('end worker heap plan', () => {
  it('gives 5,000 × 4 about four times what its end worker was measured to need (more than 96 MB, less than 128 MB)', () => {
    // 5,000 × 4: the model serializes to 7.66 MB; 20,000 VMs (docs/performance.md, fourth pass).
    const mb = planEndWorkerHeap(7_660_525, 20_000);
    expect(mb).toBe(484);
    expect(mb).toBeGreaterThanOrEqual(3.5 * 128);
  });

  it('for any model and fleet: at least 128 MB, and never less for a larger model or fleet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 256 * MB }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 16 * MB }), fc.integer({ min: 0, max: 10_000 }), (modelBytes, vms, moreBytes, moreVms) => {
        const mb = planEndWorkerHeap(modelBytes, vms);
        expect(mb).toBeGreaterThanOrEqual(128);
        expect(planEndWorkerHeap(modelBytes + moreBytes, vms + moreVms)).toBeGreaterThanOrEqual(mb);
        // Room for four times the model and 5 KB per VM, above 64 MB for the worker itself.
        expect(mb * MB).toBeGreaterThanOrEqual(64 * MB + 4 * modelBytes + 4 * vms * 5 * 1024);
      }),
    );
  });
});
