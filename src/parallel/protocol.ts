/**
 * The messages between the parallel renderer (render-parallel.ts) and its workers (vm-worker.ts).
 * A VM worker renders chunks of VMs with the per-VM translators and sends back each
 * file with its content as UTF-8 bytes in one transferred buffer per chunk (no copy, and half the
 * memory of a JS string holding the header's em dash), plus what the main thread would otherwise
 * recompute: each content's sha256 and secret findings, each VM's usage, and the findings of
 * every translator per VM, so the main thread can put them in reference order.
 *
 * Once every VM is in, the end worker (a fresh worker on the same entry) runs the other
 * translators (cluster values, the consistency check, the READMEs: end-phase.ts) and sends their
 * files in batches the same way, then its findings.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FileMode } from '../bundle/bundle.js';
import type { TextFinding } from '../security/scan-bundle.js';
import type { VmUsage } from '../cluster/vm-usage.js';

/** The first message a worker gets: the model, v8-serialized once for all workers. */
export interface ModelMessage {
  type: 'model';
  model: Uint8Array;
}

/** Render VMs [from, to) of listVms(model). */
export interface ChunkRequest {
  type: 'chunk';
  chunk: number;
  from: number;
  to: number;
}

/**
 * A chunk's buffer, given back to the VM worker that sent it once the main thread wrote the
 * chunk's files (a streaming build only: otherwise the bundle keeps views of it). The worker packs
 * a later chunk into it (pack-contents.ts BufferPool).
 */
export interface RecycleMessage {
  type: 'recycle';
  buffer: ArrayBuffer;
}

/** A content first seen in this chunk: its bytes are buffer[offset, offset + length). */
export interface NewContent {
  id: number;
  offset: number;
  length: number;
  sha256: string;
  findings: TextFinding[];
}

/** One rendered file; `content` is a content id of this worker. */
export type FileRecord = [path: string, mode: FileMode, source: string, content: number];

/** A VM's usage without its workload and placement, which the main thread re-attaches by index. */
export type UsageRecord = Omit<VmUsage, 'workload' | 'placement'>;

/** The findings translator `translator` (an index into translators) made for VM `vm`. */
export type FindingsRecord = [translator: number, vm: number, diagnostics: Array<Diagnostic & { atKey?: boolean }>];

/** A rendered chunk. */
export interface ChunkResult {
  type: 'result';
  chunk: number;
  files: FileRecord[];
  contents: NewContent[];
  /**
   * The new content ids later chunks of this worker may name again (texts it interned); the
   * main thread may forget every other content of the chunk once its files are in.
   */
  keep: number[];
  /** Content ids of earlier chunks the worker will never name again (evicted from its shared texts). */
  drop: number[];
  buffer: ArrayBuffer;
  findings: FindingsRecord[];
  /** [vm index, usage] for every VM of the chunk (flavor istio; empty otherwise). */
  usage: Array<[number, UsageRecord]>;
}

/**
 * The end worker's one request, after the model: what the VMs' files said that the translators
 * run there need, since the end worker never sees those files.
 */
export interface FinishRequest {
  type: 'finish';
  /** Every VM's usage (flavor istio), in listVms order; empty otherwise. */
  usage: UsageRecord[];
  /** The payload file each VM directory holds (layout.ts listPayloadFiles): the bundle README names them. */
  payloadFiles: string[];
}

/** A file the end worker rendered: its content is buffer[offset, offset + length). */
export type EndFileRecord = [path: string, mode: FileMode, source: string, offset: number, length: number, sha256: string, findings: TextFinding[]];

/** A batch of the end worker's files, in one transferred buffer. */
export interface EndFiles {
  type: 'files';
  files: EndFileRecord[];
  buffer: ArrayBuffer;
}

/** The end worker is done: every batch was posted before this; the findings of each translator it ran, by translator index. */
export interface EndFinished {
  type: 'finished';
  findings: Array<[translator: number, diagnostics: Array<Diagnostic & { atKey?: boolean }>]>;
}

/** A worker failure: the message and stack of what it threw. */
export interface WorkerFailure {
  type: 'error';
  message: string;
  stack?: string;
}

/** Everything a VM worker posts. */
export type WorkerMessage = ChunkResult | WorkerFailure;

/** Everything the end worker posts. */
export type EndWorkerMessage = EndFiles | EndFinished | WorkerFailure;
