/** File-level library API: read a spec from disk and validate it. */
import { readSpecInput, type ReadSpecOptions } from './spec/read-spec.js';
import { validateSpec, type ValidationResult } from './spec/validate-spec.js';
import { sortDiagnostics, isFatal } from './diagnostics/diagnostic.js';
import type { ParallelOptions } from './parallel/render-parallel.js';
import type { Bundle } from './bundle/bundle.js';

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

/** The outcome of rendering: the validation findings plus translator findings, and the bundle unless fatal. */
export interface RenderResult extends ValidationResult {
  bundle?: Bundle;
}

/** How to render: where the spec's files are, and how many worker threads a large fleet may use. */
export type RenderOptions = ReadSpecOptions & ParallelOptions;

/**
 * Validates a spec file and, when valid, renders its bundle in memory (no files written). A
 * fleet of PARALLEL_MIN_VMS or more VMs renders on worker threads, byte for byte as
 * buildBundle would; its VM files then hold UTF-8 bytes rather than strings.
 */
export async function renderSpecFile(specPath: string, opts: RenderOptions = {}): Promise<RenderResult> {
  const v = await validateSpecFile(specPath, opts);
  if (!v.model) return v;
  // Loaded here, not at the top: the translators (Handlebars, every template's module) are what
  // `vmonboard validate` must not pay for at start-up.
  const { buildBundleParallel } = await import('./parallel/render-parallel.js');
  const { bundle, diagnostics } = await buildBundleParallel(v.model, opts);
  const all = sortDiagnostics([...v.diagnostics, ...v.locate(diagnostics)]);
  return { ...v, diagnostics: all, ...(isFatal(all) ? {} : { bundle }) };
}
