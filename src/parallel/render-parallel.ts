/**
 * buildBundle on worker threads, for fleets: the per-VM translators (src/translate/per-vm.ts) run in
 * `workers` worker threads, chunk by chunk, while the main thread hands out the chunks and takes
 * in the files; once every VM is in, the other translators (cluster values, the consistency
 * check, the READMEs) run in one more worker, the end worker (end-phase.ts).
 * The result is byte for byte buildBundle's (test/parallel/render-parallel.test.ts): the same
 * files, the same findings in the same order, the same MANIFEST.json. VM file contents come back
 * as UTF-8 bytes instead of strings, which the Bundle type allows and every writer handles.
 *
 * Workers need a JavaScript entry point: from dist/ (the CLI, the package) this module finds
 * vm-worker.js beside it; run from TypeScript sources (vitest) it finds none and falls back to
 * buildBundle.
 */
import { availableParallelism } from 'node:os';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import { BundleBuilder, type BundleSink, type FileMode } from '../bundle/bundle.js';
import { listPayloadFiles } from '../bundle/layout.js';
import { buildBundle, finishBundle, type BuiltBundle } from '../build-bundle.js';
import { listVms, type VmRef } from '../translate/vm-ref.js';
import { translators } from '../translators.js';
import type { TextFinding } from '../security/scan-bundle.js';

import type { ChunkRequest, FinishRequest, ModelMessage, RecycleMessage, UsageRecord, WorkerMessage } from './protocol.js';
import { estimateVmBytes, MAX_CHUNK_VMS, planEndWorkerHeap, planWorkerHeap, VM_WORKER_YOUNG_GENERATION_MB } from './worker-heap.js';
import { EndWorker, type TakeFile } from './end-worker.js';
import { StringPool } from './string-pool.js';
import { collectGarbage } from './collect-garbage.js';
import { compiledWorkerUrl } from '../worker-url.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** Fleets smaller than this many VMs (workload × platform) render on the main thread: starting workers would cost more. */
export const PARALLEL_MIN_VMS = 200;

/** The worker entry beside this module, when it is JavaScript (a dist/ build). */
const WORKER_URL = compiledWorkerUrl(import.meta.url, './vm-worker.js');

/** True when this build of vmonboard can render on worker threads (it runs from compiled JavaScript). */
export function parallelAvailable(): boolean {
  return WORKER_URL !== undefined;
}

/** How to build: `workers` threads (default min(2, CPUs)); fewer than 2, or a small fleet, builds on the main thread. */
export interface ParallelOptions {
  workers?: number;
  /** Smallest fleet rendered in parallel (default PARALLEL_MIN_VMS). */
  minVms?: number;
  /** Workers started ahead (startVmWorkers); the build uses and closes them. */
  pool?: VmWorkerPool;
  /** Render progress: `done` of `total` VMs rendered, the last one being `vm`. Never affects output. */
  onProgress?: (done: number, total: number, vm: VmRef) => void;
  /**
   * Streams a parallel build: each VM file goes to the sink as its chunk arrives and only its
   * manifest entry and scan findings stay in memory (BuiltBundle.written), so memory does not
   * grow with the fleet. A build on the main thread ignores it and keeps every file.
   */
  sink?: BundleSink;
  /** The end worker's old-generation cap in MB (default planEndWorkerHeap): a test sets a small one to see the render fail cleanly. */
  endWorkerHeapMb?: number;
}

/**
 * Worker threads started before the model exists: each loads its modules (~100 ms of CPU) while
 * the main thread is still validating the spec. They wait for the model (the first message, protocol.ts).
 */
export interface VmWorkerPool {
  readonly workers: readonly Worker[];
  /** The cap of each worker's old generation, in MB (worker-heap.ts). */
  readonly oldGenerationMb: number;
  /** What ended a worker before a build listened to it (a failed module load), if anything did. */
  failure(): Error | undefined;
  /** Stops every worker; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts `count` (default defaultWorkers()) VM workers, or returns undefined when fewer than 2 or
 * workers are unavailable here. `oldGenerationMb` caps their old generations (worker-heap.ts);
 * a build whose model needs more replaces the pool (buildBundleParallel).
 */
export function startVmWorkers(count: number = defaultWorkers(), oldGenerationMb = planWorkerHeap(0).oldGenerationMb): VmWorkerPool | undefined {
  if (!WORKER_URL || count < 2) return undefined;
  const url = WORKER_URL;
  const resourceLimits = { maxYoungGenerationSizeMb: VM_WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: oldGenerationMb };
  const workers = Array.from({ length: count }, () => new Worker(url, { resourceLimits }));
  // A worker that fails before a build listens to it must not crash the process: the build
  // reports the failure instead.
  let failed: Error | undefined;
  let closed: Promise<void> | undefined;
  for (const [i, w] of workers.entries()) {
    w.on('error', (err) => (failed ??= err));
    w.on('exit', (code) => {
      if (!closed) failed ??= new Error(`VM worker ${i} exited (code ${code}) before it was used`);
    });
  }
  return {
    workers,
    oldGenerationMb,
    failure: () => failed,
    close: () => (closed ??= Promise.all(workers.map((w) => w.terminate())).then(() => undefined)),
  };
}

/** The default number of workers: two, or one per CPU when there are fewer. */
export function defaultWorkers(): number {
  return Math.min(2, availableParallelism());
}

/**
 * Builds the bundle of a model like buildBundle, on worker threads when the fleet is large and
 * workers are available; otherwise it is buildBundle.
 */
export async function buildBundleParallel(model: Model, opts: ParallelOptions = {}): Promise<BuiltBundle> {
  const vmCount = listVms(model).length;
  if (!isFleet(vmCount, opts)) {
    await opts.pool?.close();
    return buildBundle(model, sequentialProgress(opts.onProgress, vmCount));
  }
  // The spec's parsed document is garbage now, and so is what a sink made while it opened (the
  // committed tree's listing, render --check): collected before the VM phase, they no longer set
  // how far the main thread's heap may grow through it (collect-garbage.ts). Measured: without
  // this second collection, render --check of 5,000 × 4 peaks at 530–540 MB instead of 484.
  collectGarbage();
  const modelMessage: ModelMessage = { type: 'model', model: serialize(model) };
  const plan = planWorkerHeap(modelMessage.model.length, estimateVmBytes(model));
  let pool = opts.pool;
  if (pool && pool.oldGenerationMb < plan.oldGenerationMb) {
    // Started before the model existed (api.ts), with heaps this model's VMs could outgrow.
    await pool.close();
    pool = undefined;
  }
  pool ??= startVmWorkers(opts.workers, plan.oldGenerationMb);
  if (!pool) return buildBundle(model, sequentialProgress(opts.onProgress, vmCount));
  try {
    return await renderOnWorkers(model, modelMessage, plan.maxChunkVms, pool, vmCount, opts);
  } finally {
    await pool.close();
  }
}

/** True when buildBundleParallel renders this model as a fleet (its size; whether workers can start here is not asked). */
export function rendersOnWorkers(model: Model, opts: Pick<ParallelOptions, 'minVms'> = {}): boolean {
  return isFleet(listVms(model).length, opts);
}

function isFleet(vmCount: number, opts: Pick<ParallelOptions, 'minVms'>): boolean {
  return vmCount >= (opts.minVms ?? PARALLEL_MIN_VMS);
}

/**
 * Progress of a single-threaded build: every per-VM translator visits every VM in turn, so a VM
 * is done when the last of them has visited it (calls / passes).
 */
function sequentialProgress(onProgress: ParallelOptions['onProgress'], total: number): ((vm: VmRef) => void) | undefined {
  if (!onProgress) return undefined;
  const passes = translators.filter((t) => t.perVm).length;
  let calls = 0;
  return (vm) => {
    calls++;
    if (calls % passes === 0) onProgress(calls / passes, total, vm);
  };
}

/** The parallel build proper. */
async function renderOnWorkers(model: Model, modelMessage: ModelMessage, maxChunkVms: number, workerPool: VmWorkerPool, vmCount: number, opts: ParallelOptions): Promise<BuiltBundle> {
  const { onProgress, sink } = opts;
  const workerCount = workerPool.workers.length;
  const vms = listVms(model);
  const out = new BundleBuilder();
  const hashes = new Map<Uint8Array, string>();
  const scanned = new Map<Uint8Array, readonly TextFinding[]>();
  // Findings by translator index: per-VM ones by VM index, the others as one list.
  const perVmFindings = new Map<number, Unlocated[][]>();
  const modelFindings = new Map<number, Unlocated[]>();
  const usage: UsageRecord[] = model.flavor === 'istio' ? new Array(vmCount) : [];
  const usageStrings = new StringPool();

  // Chunks small enough to keep both workers busy to the end, large enough to amortize messages.
  // No more than a worker's heap was planned for (worker-heap.ts).
  const chunkSize = Math.min(maxChunkVms, Math.max(8, Math.min(MAX_CHUNK_VMS, Math.ceil(vmCount / (workerCount * 8)))));
  const chunks: ChunkRequest[] = [];
  for (let from = 0, chunk = 0; from < vmCount; from += chunkSize, chunk++) chunks.push({ type: 'chunk', chunk, from, to: Math.min(vmCount, from + chunkSize) });

  // Every file a worker rendered, VM or end: to the sink with its manifest entry, or kept with
  // the hash and findings its worker computed.
  const take: TakeFile = (path, bytes, mode, source, sha256, findings) => {
    // Each message brings its own copy of every source pointer and digest: the builder's record of
    // written files (written-files.ts) keeps each pointer once and each digest as bytes.
    if (sink) out.addWritten(sink, path, bytes, { mode, source, sha256, findings });
    else {
      out.add(path, bytes, { mode, source });
      hashes.set(bytes, sha256);
      scanned.set(bytes, findings);
    }
  };
  let endWorker: EndWorker | undefined;
  const startEndWorker = (): EndWorker => (endWorker ??= new EndWorker(WORKER_URL!, modelMessage, opts.endWorkerHeapMb ?? planEndWorkerHeap(modelMessage.model.length, vmCount)));
  const pool = workerPool.workers.slice(0, chunks.length);
  for (const w of pool) w.postMessage(modelMessage);
  const done = new Promise<void>((resolve, rejectBuild) => {
    // After the first failure no message is handled: nothing more reaches the sink while the
    // caller removes what it wrote.
    let failed = false;
    const reject = (err: unknown): void => {
      failed = true;
      rejectBuild(err);
    };
    const early = workerPool.failure();
    if (early) reject(early);
    let next = 0;
    let pending = chunks.length;
    let rendered = 0;
    pool.forEach((w, wi) => {
      // Each worker's content ids are its own. Streaming, only the contents the worker may name
      // again (msg.keep) outlive their chunk.
      const contents = new Map<number, { bytes: Uint8Array; sha256: string; findings: readonly TextFinding[] }>();
      const send = (): void => {
        if (next < chunks.length) w.postMessage(chunks[next++]);
        // The last chunk is out: the end worker loads now, while the VM workers finish.
        if (next === chunks.length) startEndWorker();
      };
      w.on('error', reject);
      w.on('exit', (code) => {
        if (pending > 0) reject(new Error(`VM worker ${wi} exited (code ${code}) with ${pending} chunk(s) pending`));
      });
      w.on('message', (msg: WorkerMessage) => {
        if (failed) return;
        if (msg.type === 'error') {
          const err = new Error(msg.message);
          if (msg.stack) err.stack = msg.stack;
          reject(err);
          return;
        }
        send();
        try {
          for (const c of msg.contents) contents.set(c.id, { bytes: new Uint8Array(msg.buffer, c.offset, c.length), sha256: c.sha256, findings: c.findings });
          for (const [path, mode, source, id] of msg.files) {
            const c = contents.get(id)!;
            take(path, c.bytes, mode, source, c.sha256, c.findings);
          }
          for (const id of msg.drop) contents.delete(id);
          if (sink) {
            // A kept content is copied out of the chunk's buffer: a view would pin the whole
            // buffer (megabytes) for a text of a few hundred bytes.
            const keep = new Set(msg.keep);
            for (const c of msg.contents) {
              if (keep.has(c.id)) contents.get(c.id)!.bytes = contents.get(c.id)!.bytes.slice();
              else contents.delete(c.id);
            }
            // Nothing here views the buffer now (the sink keeps no bytes): back to the worker for a later chunk.
            w.postMessage({ type: 'recycle', buffer: msg.buffer } satisfies RecycleMessage, [msg.buffer]);
          }
        } catch (err) {
          // A failed write (disk full, a bug): the build fails and the caller removes its temp tree.
          reject(err);
          return;
        }
        for (const [t, vm, d] of msg.findings) {
          let byVm = perVmFindings.get(t);
          if (!byVm) perVmFindings.set(t, (byVm = []));
          byVm[vm] = d;
        }
        for (const [i, record] of msg.usage) usage[i] = usageStrings.intern(record);
        const c = chunks[msg.chunk]!;
        rendered += c.to - c.from;
        onProgress?.(rendered, vmCount, vms[c.to - 1]!);
        if (--pending === 0) resolve();
      });
      // Two chunks in flight per worker, so none waits for the main thread between chunks.
      send();
      send();
    });
  });
  try {
    await done;
    // Their work is done: their heaps go now, before the end worker's (close is idempotent;
    // buildBundleParallel calls it again).
    await workerPool.close();
    const finish: FinishRequest = { type: 'finish', usage, payloadFiles: listPayloadFiles(model, (path) => out.has(path)) };
    const ended = startEndWorker().finish(finish, take);
    // Posted (a copy): the end worker has what it needs of these.
    usage.length = 0;
    finish.payloadFiles.length = 0;
    // And again now: the end worker's heap is the largest of the build, and the main thread holds
    // only the manifest's entries beside it (~80 MB live of 130 at 5,000 × 4). Runs on this thread
    // while the end worker starts on the other core.
    collectGarbage();
    for (const [i, d] of await ended) modelFindings.set(i, d);
  } finally {
    // Stopped already unless the build failed before the end worker finished.
    await (endWorker as EndWorker | undefined)?.close();
  }

  // Findings in buildBundle's order: translator by translator, a per-VM one VM by VM, then its `after`.
  const diagnostics: Unlocated[] = [];
  translators.forEach((t, i) => {
    if (t.perVm) {
      const byVm = perVmFindings.get(i) ?? [];
      for (let vm = 0; vm < vmCount; vm++) if (byVm[vm]) diagnostics.push(...byVm[vm]!);
      if (t.perVm.after) diagnostics.push(...t.perVm.after(model));
    } else diagnostics.push(...(modelFindings.get(i) ?? []));
  });
  return finishBundle(model, out, diagnostics, { hashes, findings: scanned });
}
