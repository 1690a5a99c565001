/**
 * A worker of the parallel renderer (render-parallel.ts): it gets the model once, then either
 * renders the chunks of VMs it is sent with exactly the per-VM translators buildBundle runs, and
 * posts each chunk's files as UTF-8 bytes with their sha256 and secret findings (protocol.ts), or,
 * as the end worker, runs the other translators once (end-phase.ts) and posts their files the same way.
 * Pure apart from the messages: it reads no file and no environment.
 */
import { createHash } from 'node:crypto';
import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { Model } from '../model/model.js';
import { BundleBuilder } from '../bundle/bundle.js';
import { BuildCache } from '../translate/build-cache.js';
import { listVms, type VmRef } from '../translate/vm-ref.js';
import { scannableText, TextScanner } from '../security/scan-bundle.js';
import { MAX_CONTENT_HASHED_CHARS } from '../text-memo.js';
import { memoizedYamlLoad } from '../cluster/vm-usage.js';
import type { ChunkRequest, ChunkResult, FindingsRecord, FinishRequest, ModelMessage, NewContent, RecycleMessage, WorkerFailure } from './protocol.js';
import { runEndPhase } from './end-phase.js';
import { BufferPool, packContents } from './pack-contents.js';
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

/** Renders VMs [from, to) and returns the chunk's message. */
function renderChunk(req: ChunkRequest, model: Model): ChunkResult {
  // A cache per chunk: it lives as long as the VMs that fill it.
  chunkRender = vmRenderer(model, new BuildCache(), memoizedYamlLoad());
  const out = new BundleBuilder();
  const findings: FindingsRecord[] = [];
  const usage: ChunkResult['usage'] = [];
  for (let i = req.from; i < req.to; i++) {
    const r = families.renderVm(vms[i]!);
    for (const [path, f] of r.files) out.add(path, f.content, { mode: f.mode, source: f.source });
    for (const [t, d] of r.findings) findings.push([t, i, d]);
    if (r.usage) usage.push([i, r.usage]);
  }

  const local = new Map<string, { id: number; hits: number }>();
  const fresh: Array<{ id: number; text: string; bytes?: Uint8Array }> = [];
  const files: ChunkResult['files'] = [];
  for (const [path, f] of out.build()) {
    if (typeof f.content !== 'string') {
      // Bytes (a payload stored gzipped, fit-payload.ts) cross as they are: a UTF-8 round trip
      // would corrupt them. They are never interned; the scanner judges their decompressed text.
      const id = nextId++;
      fresh.push({ id, text: scannableText(f.content), bytes: f.content });
      files.push([path, f.mode, f.source, id]);
      continue;
    }
    const text = f.content;
    let id = text.length <= INTERN_MAX_CHARS ? shared.get(text) : undefined;
    if (id !== undefined) {
      // Most recently used last: Map keeps insertion order.
      shared.delete(text);
      shared.set(text, id);
    }
    if (id === undefined) {
      const seen = text.length <= INTERN_MAX_CHARS ? local.get(text) : undefined;
      if (seen) {
        seen.hits++;
        id = seen.id;
      } else {
        id = nextId++;
        fresh.push({ id, text });
        if (text.length <= INTERN_MAX_CHARS) local.set(text, { id, hits: 0 });
      }
    }
    files.push([path, f.mode, f.source, id]);
  }
  // Texts seen twice in this chunk are kept for later chunks; the main thread keeps their bytes (keep).
  const keep: number[] = [];
  for (const [text, e] of local) {
    if (e.hits > 0) {
      shared.set(text, e.id);
      keep.push(e.id);
    }
  }
  // Evicted texts are never named again (a later use gets a new id): the main thread forgets them.
  const drop: number[] = [];
  for (const [text, id] of shared) {
    if (shared.size <= SHARED_MAX) break;
    shared.delete(text);
    drop.push(id);
  }

  // One buffer for the chunk's new contents, transferred to the main thread without a copy.
  const scanner = new TextScanner();
  const { buffer, views } = packContents(fresh, buffers);
  const contents: NewContent[] = fresh.map((c, k) => ({
    id: c.id,
    offset: views[k]!.byteOffset,
    length: views[k]!.length,
    sha256: createHash('sha256').update(views[k]!).digest('hex'),
    findings: scanner.scan(c.text),
  }));
  return { type: 'result', chunk: req.chunk, files, contents, keep, drop, buffer, findings, usage };
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
