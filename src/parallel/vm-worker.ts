/**
 * A worker of the parallel renderer (render-parallel.ts): it gets the model once, then either
 * renders the chunks of VMs it is sent with exactly the per-VM translators buildBundle runs
 * (render-vm.ts; a family of VMs that differ only in their names from one checked template,
 * vm-family.ts), and
 * posts each chunk's files as UTF-8 bytes with their sha256 and secret findings (protocol.ts), or,
 * as the end worker, runs the other translators once (end-phase.ts) and posts their files the same way.
 * Pure apart from the messages: it reads no file and no environment.
 */
import { createHash } from 'node:crypto';
import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { Model } from '../model/model.js';
import { BuildCache } from '../translate/build-cache.js';
import { listVms, type VmRef } from '../translate/vm-ref.js';
import { scannableText, TextScanner } from '../security/scan-bundle.js';
import { MAX_CONTENT_HASHED_CHARS } from '../text-memo.js';
import { memoizedYamlLoad } from '../cluster/vm-usage.js';
import type { ChunkRequest, ChunkResult, FindingsRecord, FinishRequest, ModelMessage, NewContent, RecycleMessage, WorkerFailure } from './protocol.js';
import { runEndPhase } from './end-phase.js';
import { BufferPool, ContentPacker } from './pack-contents.js';
import { vmRenderer, type RenderVm } from './render-vm.js';
import { VmFamilies } from './vm-family.js';

if (!parentPort) throw new Error('vm-worker runs only as a worker thread of the parallel renderer');
const port = parentPort;
/** Set by the first message: the worker starts before the model exists (it loads while the spec validates). */
let model: Model | undefined;
let vms: VmRef[] = [];
/** The renderer of the chunk being rendered (its cache and YAML memo live as long as the chunk). */
let chunkRender: RenderVm | undefined;
/** Family templates (vm-family.ts), kept across chunks for the model this worker renders. */
let families = new VmFamilies((vm) => chunkRender!(vm));
/** The chunk buffers the main thread gave back, for the next chunks. */
const buffers = new BufferPool();

/**
 * Content ids, so a text many VMs share (units, certificates, a workload's configs on each of its
 * platforms) crosses to the main thread, is hashed and is scanned once. Texts seen in two files
 * are kept across chunks (the SHARED_MAX most recently used); the rest only for their chunk, so the worker does not hold
 * a copy of its whole share of the fleet. Texts too long for V8 to hash by content
 * (MAX_CONTENT_HASHED_CHARS, see text-memo.ts) are never interned: scripts of that size are
 * unique per VM anyway.
 */
const shared = new Map<string, number>();
/**
 * The most texts kept across chunks, least recently used first out. Texts many VMs share (units,
 * certificates) stay; a workload's texts shared only by its own platforms repeat within its
 * chunk and would otherwise pile up for the worker's lifetime (one per workload, a fleet's worth).
 */
const SHARED_MAX = 512;
let nextId = 0;
const INTERN_MAX_CHARS = MAX_CONTENT_HASHED_CHARS;

/**
 * Texts of this chunk seen once, kept for a repeat (the LOCAL_MAX most recent): a text every VM
 * has comes back within a VM's files, a workload's own (mesh.yaml) within its platforms' (about
 * 70 files), and a longer memory only kept the VMs' unique texts alive past their collection.
 */
const LOCAL_MAX = 128;
/** What the last chunk packed, in bytes: the next chunk's buffer is taken for about as much. */
let lastChunkBytes = 8 * 2 ** 20;

/**
 * Renders VMs [from, to) and returns the chunk's message. Each VM's new texts are packed, hashed
 * and scanned as soon as it is rendered, so they die young (pack-contents.ts ContentPacker).
 */
function renderChunk(req: ChunkRequest, model: Model): ChunkResult {
  // A cache per chunk: it lives as long as the VMs that fill it.
  chunkRender = vmRenderer(model, new BuildCache(), memoizedYamlLoad());
  const findings: FindingsRecord[] = [];
  const usage: ChunkResult['usage'] = [];
  const files: ChunkResult['files'] = [];
  const contents: NewContent[] = [];
  const packer = new ContentPacker(buffers, lastChunkBytes);
  const keep: number[] = [];
  const local = new Map<string, { id: number; hits: number }>();
  /** A text leaving `local`: kept for later chunks when it was seen twice, the main thread told (keep). */
  const retire = (text: string, e: { id: number; hits: number }): void => {
    if (e.hits === 0) return;
    shared.set(text, e.id);
    keep.push(e.id);
  };
  const pack = (item: { text: string; bytes?: Uint8Array }, scanner: TextScanner): number => {
    const id = nextId++;
    const view = packer.add(item);
    contents.push({ id, offset: view.byteOffset, length: view.length, sha256: createHash('sha256').update(view).digest('hex'), findings: scanner.scan(item.text) });
    return id;
  };

  for (let i = req.from; i < req.to; i++) {
    const r = families.renderVm(vms[i]!);
    // A scanner per VM: its memo (a cloud-config's gzipped bootstrap is the VM's bootstrap.sh)
    // pays only within a VM, since texts shared between VMs are scanned once anyway (interned
    // below), and a chunk's worth of memo kept every text alive to the chunk's end.
    const scanner = new TextScanner();
    for (const [text, found] of r.scanned ?? []) scanner.prime(text, found);
    for (const [t, d] of r.findings) findings.push([t, i, d]);
    if (r.usage) usage.push([i, r.usage]);
    for (const [path, f] of r.files) {
      if (typeof f.content !== 'string') {
        // Bytes (a payload stored gzipped, fit-payload.ts) cross as they are: a UTF-8 round trip
        // would corrupt them. They are never interned; the scanner judges their decompressed text.
        files.push([path, f.mode, f.source, pack({ text: scannableText(f.content), bytes: f.content }, scanner)]);
        continue;
      }
      const text = f.content;
      const internable = text.length <= INTERN_MAX_CHARS;
      let id = internable ? shared.get(text) : undefined;
      if (id !== undefined) {
        // Most recently used last: Map keeps insertion order.
        shared.delete(text);
        shared.set(text, id);
      } else if (internable) {
        const seen = local.get(text);
        if (seen) {
          seen.hits++;
          id = seen.id;
        } else {
          id = pack({ text }, scanner);
          local.set(text, { id, hits: 0 });
          if (local.size > LOCAL_MAX) {
            const [oldest, e] = local.entries().next().value as [string, { id: number; hits: number }];
            local.delete(oldest);
            retire(oldest, e);
          }
        }
      } else {
        id = pack({ text }, scanner);
      }
      files.push([path, f.mode, f.source, id]);
    }
  }
  for (const [text, e] of local) retire(text, e);
  // Evicted texts are never named again (a later use gets a new id): the main thread forgets them.
  // Never one this message asks it to keep: it would drop it before keeping it.
  const drop: number[] = [];
  const kept = new Set(keep);
  for (const [text, id] of shared) {
    if (shared.size <= SHARED_MAX) break;
    if (kept.has(id)) continue;
    shared.delete(text);
    drop.push(id);
  }
  // In path order, as the chunk's files always came (the VMs' own order is workload by workload).
  files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  lastChunkBytes = packer.size;
  return { type: 'result', chunk: req.chunk, files, contents, keep, drop, buffer: packer.finish(), findings, usage };
}

port.on('message', (req: ModelMessage | ChunkRequest | FinishRequest | RecycleMessage) => {
  try {
    if (req.type === 'recycle') {
      buffers.give(req.buffer);
      return;
    }
    if (req.type === 'model') {
      model = deserialize(req.model) as Model;
      vms = listVms(model);
      families = new VmFamilies((vm) => chunkRender!(vm));
      return;
    }
    if (!model) throw new Error(`internal error: a ${req.type} request arrived before the model`);
    if (req.type === 'finish') {
      port.postMessage(runEndPhase(model, vms, req, (batch) => port.postMessage(batch, [batch.buffer])));
      return;
    }
    const result = renderChunk(req, model);
    port.postMessage(result, [result.buffer]);
  } catch (err) {
    const e = err as Error;
    const failure: WorkerFailure = { type: 'error', message: e?.message ?? String(err), ...(e?.stack ? { stack: e.stack } : {}) };
    port.postMessage(failure);
  }
});
