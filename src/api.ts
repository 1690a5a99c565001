/** File-level library API: read a spec from disk and validate it. */
import { statSync } from 'node:fs';
import { readSpecInput, type ReadSpecOptions } from './spec/read-spec.js';
import { validateSpec, type ValidationResult } from './spec/validate-spec.js';
import { sortDiagnostics, isFatal } from './diagnostics/diagnostic.js';
import type { ParallelOptions } from './parallel/render-parallel.js';
import type { Bundle, BundleSink, WrittenFile } from './bundle/bundle.js';

/**
 * Reads and validates a spec file with its lock file and referenced files. An unreadable spec
 * file is reported as a FILE_NOT_READABLE diagnostic, never thrown.
 */
export async function validateSpecFile(specPath: string, opts: ReadSpecOptions = {}): Promise<ValidationResult> {
  let input;
  try {
    input = readSpecInput(specPath, opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'it does not exist' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    return {
      diagnostics: [{ severity: 'error', code: 'FILE_NOT_READABLE', message: `cannot read ${specPath}: ${why}`, pointer: '', file: specPath }],
      sources: new Map(),
      locate: (d) => d,
    };
  }
  return validateSpec(input);
}

/**
 * The outcome of rendering: the validation findings plus translator findings, and the bundle
 * unless fatal. A streaming render (`openSink`) keeps in `bundle` only the files it did not write
 * to the sink; `written` lists those, and `bundle`'s MANIFEST.json covers both.
 */
export interface RenderResult extends ValidationResult {
  bundle?: Bundle;
  written?: ReadonlyMap<string, WrittenFile>;
  /** What `openSink` threw: the spec is valid but nothing was rendered. */
  sinkError?: unknown;
}

/**
 * Specs of at least this size start their render workers before validating: a fleet of
 * PARALLEL_MIN_VMS VMs takes about 30 KB of spec. A smaller fleet that gets here closes them
 * unused (a few hundred ms of CPU on otherwise idle cores); the quickstart is 5 KB.
 */
const EARLY_WORKERS_MIN_SPEC_BYTES = 32 * 1024;

/** The spec's size in bytes (stdin text or file), 0 when it cannot be read (validation reports that). */
function specBytes(specPath: string, opts: ReadSpecOptions): number {
  if (specPath === '-') return Buffer.byteLength(opts.stdinText ?? '');
  try {
    return statSync(specPath).size;
  } catch {
    return 0;
  }
}

/** How to render: where the spec's files are, and how many worker threads a large fleet may use. */
export type RenderOptions = ReadSpecOptions &
  ParallelOptions & {
    /**
     * Return the in-memory bundle even when a translator's finding is fatal (never when the spec
     * did not validate). For commands that judge one VM's files themselves (`vmonboard userdata`),
     * so another VM's oversize payload does not stop them; nothing is ever written from it.
     */
    keepBundle?: boolean;
    /**
     * Opens where the files go, once the spec is valid (the output directory's temp tree,
     * write-dir.ts openBundleDir). A fleet rendered on worker threads then streams its VM files
     * there instead of holding them in memory. When it throws, nothing is rendered and the error
     * is returned as `sinkError`, after the validation findings.
     */
    openSink?: () => Promise<BundleSink>;
  };

/**
 * Validates a spec file and, when valid, renders its bundle in memory (no files written). A
 * fleet of PARALLEL_MIN_VMS or more VMs renders on worker threads, byte for byte as
 * buildBundle would; its VM files then hold UTF-8 bytes rather than strings.
 */
export async function renderSpecFile(specPath: string, opts: RenderOptions = {}): Promise<RenderResult> {
  // Loaded here, not at the top: the translators (Handlebars, every template's module) are what
  // `vmonboard validate` must not pay for at start-up.
  const { buildBundleParallel, startVmWorkers, rendersOnWorkers } = await import('./parallel/render-parallel.js');
  const { planWorkerHeap } = await import('./parallel/worker-heap.js');
  const { collectGarbage } = await import('./parallel/collect-garbage.js');
  // A spec this large is a fleet: its workers load while the spec validates.
  // Their heaps are planned from the spec's size: a model serializes to about 2.2× its spec's
  // bytes (7.6 MB for the 3.5 MB spec of 5,000 × 4), so 3×. A model that needs more (large
  // files embedded in every VM) gets new workers once it exists (buildBundleParallel).
  const bytes = specBytes(specPath, opts);
  const pool = opts.pool ?? (bytes >= EARLY_WORKERS_MIN_SPEC_BYTES ? startVmWorkers(opts.workers, planWorkerHeap(3 * bytes).oldGenerationMb) : undefined);
  let v: ValidationResult;
  try {
    v = await validateSpecFile(specPath, opts);
  } catch (err) {
    await pool?.close();
    throw err;
  }
  if (!v.model) {
    await pool?.close();
    return v;
  }
  let sink: BundleSink | undefined;
  if (opts.openSink && !isFatal(v.diagnostics)) {
    // A fleet's sink may list a committed tree first (render --check): the spec's parsed document
    // is collected before, so it does not set how far the heap grows while that listing is made
    // (collect-garbage.ts; buildBundleParallel collects again before its VM phase).
    if (rendersOnWorkers(v.model, opts)) collectGarbage();
    try {
      sink = await opts.openSink();
    } catch (sinkError) {
      await pool?.close();
      return { ...v, sinkError };
    }
  }
  const { bundle, written, diagnostics } = await buildBundleParallel(v.model, { ...opts, ...(pool ? { pool } : {}), ...(sink ? { sink } : {}) });
  const all = sortDiagnostics([...v.diagnostics, ...v.locate(diagnostics)]);
  return { ...v, diagnostics: all, ...(isFatal(all) && !opts.keepBundle ? {} : { bundle, ...(written ? { written } : {}) }) };
}
