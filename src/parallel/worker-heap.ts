/**
 * How much heap a VM worker gets and how many VMs it renders per chunk. A worker's live heap is
 * its copy of the model plus the chunk it is rendering (each VM's texts, then the chunk's UTF-8
 * buffer). V8 let each worker's old generation fill with ~150 MB of garbage between full
 * collections (2 × ~110 MB of a 1,000 × 4 render's 450 MB peak RSS), so the old generation is
 * capped; a worker whose live heap outgrew its cap would die and fail the render, so the cap is
 * planned from the model: the chunk is cut to what CHUNK_BYTES holds of this fleet's VMs (a
 * large CA bundle is embedded in every VM several times), and the cap leaves room for the model
 * and two such chunks.
 */
import { serialize } from 'node:v8';
import type { Model } from '../model/model.js';

/** The most VMs a chunk holds: enough to amortize the messages. */
export const MAX_CHUNK_VMS = 64;

/** About how many bytes of VM texts a chunk may hold. */
export const CHUNK_BYTES = 16 * 2 ** 20;

/** The chunk size and old-generation cap of a fleet's VM workers. */
export interface WorkerHeapPlan {
  /** The most VMs one chunk may hold. */
  maxChunkVms: number;
  oldGenerationMb: number;
}

/**
 * About how many bytes one VM's files take: the scripts and configs (~110 KB for the bench
 * fleet's VMs, rounded up), plus every file the model carries (trust bundles, CA files) eight
 * times: a bootstrap stages each agent file and the UTF-8 buffer of a chunk copies it again.
 */
export function estimateVmBytes(model: Model): number {
  return 128 * 1024 + 8 * serialize({ ...model, workloads: [] }).length;
}

/**
 * The plan for a model of `modelBytes` v8-serialized bytes whose VMs take about `vmBytes` each:
 * 96 MB for the bench's fleets (the 1,000 × 4 render then peaks at ~365 MB RSS instead of ~450),
 * more for a large model or large VMs, whose chunks are also cut shorter.
 */
export function planWorkerHeap(modelBytes: number, vmBytes = 128 * 1024): WorkerHeapPlan {
  const maxChunkVms = Math.max(1, Math.min(MAX_CHUNK_VMS, Math.floor(CHUNK_BYTES / vmBytes)));
  const mb = (n: number): number => n / 2 ** 20;
  // A worker's model is a few times its serialized size; two chunks' worth of texts may be live
  // at once (one being rendered, the previous one's garbage); 64 MB for code and everything else.
  return { maxChunkVms, oldGenerationMb: Math.max(96, Math.ceil(64 + 4 * mb(modelBytes) + 2 * maxChunkVms * mb(vmBytes))) };
}

/**
 * The end worker's young generation, in MB. V8's default is larger on 64-bit; a worker's garbage
 * is short-lived, and a streaming render of 1,000 × 4 peaked at 522 MB instead of 579 MB RSS for
 * the same time; 4 MB saved no more and cost ~9% in scavenges (docs/performance.md). The end
 * worker runs at the peak of a large render (5,000 × 4), so it keeps the small one.
 */
export const END_WORKER_YOUNG_GENERATION_MB = 8;

/**
 * A VM worker's young generation, in MB. Since VM families (vm-family.ts) a VM's garbage is mostly
 * its filled texts, which die within the VM; with 8 MB the two workers scavenged about 350 times
 * at 1,000 × 4. 24 MB took 3–6% less CPU in most of six interleaved rounds of `render -o`
 * (1,000 × 4) and 10–15 MB more; at 5,000 × 4 the VM workers are closed before the end phase,
 * where the render peaks, so the peak stayed 442–443 MB (`-o`) and 464–466 MB (`--check`).
 */
export const VM_WORKER_YOUNG_GENERATION_MB = 24;

/**
 * The end worker's old-generation cap (end-phase.ts), in MB, for a model of `modelBytes`
 * v8-serialized bytes and `vmCount` VMs. What is live there grows with the fleet: the model, then
 * the cluster values of every VM (the spire values, their YAML text and the text parsed back for
 * the consistency check), then the bundle README, about 5 KB per VM in all (at 5,000 × 4,
 * the end worker needed more than 96 MB and less than 128 MB, docs/performance.md). The cap leaves
 * four times that, since a worker over its cap dies and fails the render. A capped heap is still
 * collected far sooner than the main thread's: V8 lets a heap whose cap is below its default
 * maximum grow to 1.3–2× what is live, and never past halfway to the cap, where the main thread's
 * default heap may grow to 4× (nodejs/node deps/v8/src/heap/heap-controller.cc: MaxGrowingFactor,
 * BoundAllocationLimit).
 */
export function planEndWorkerHeap(modelBytes: number, vmCount: number): number {
  const mb = (n: number): number => n / 2 ** 20;
  return Math.max(128, Math.ceil(64 + 4 * mb(modelBytes) + 4 * mb(vmCount * 5 * 1024)));
}
