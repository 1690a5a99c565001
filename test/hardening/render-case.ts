/**
 * Runs one hostile case through the public pipeline (validateSpec, then buildBundle when a model
 * comes out), the way `vmonboard render` does, and gives the properties what they judge.
 */
import type { Bundle } from '../../src/bundle/bundle.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { Model } from '../../src/model/model.js';
import { buildBundle } from '../../src/build-bundle.js';
import { memoryFileSource } from '../../src/spec/files.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { HOSTILE_FILES, type HostileCase } from './hostile-spec.js';
import { removeEncoding } from '../../src/userdata/encode.js';

/** The outcome of one case. `bundle` is set only when validation and rendering found no error. */
export interface RenderedCase {
  input: HostileCase;
  diagnostics: Diagnostic[];
  model?: Model;
  bundle?: Bundle;
}

/** Validates and renders a case. Throws only if the pipeline itself throws, which is the bug the properties look for. */
export function renderCase(input: HostileCase): RenderedCase {
  const v = validateSpec({ text: input.text, file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: memoryFileSource(HOSTILE_FILES), ignoreLock: true });
  if (!v.model) return { input, diagnostics: v.diagnostics };
  const built = buildBundle(v.model);
  const diagnostics = [...v.diagnostics, ...v.locate(built.diagnostics)];
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { input, diagnostics, model: v.model, ...(failed ? {} : { bundle: built.bundle }) };
}

/** A bundle file as text (bundle contents may be bytes). */
export function bundleText(bundle: Bundle, path: string): string {
  const f = bundle.get(path);
  if (!f) {
    // A payload over its platform's raw limit is stored compressed (src/delivery/fit-payload.ts):
    // its text is what cloud-init reads after decoding it, as the product's own decoder does.
    for (const [suffix, encoding] of [['.gz', 'gzip'], ['.gz.b64', 'gzip+base64']] as const) {
      const z = bundle.get(`${path}${suffix}`);
      if (z) return removeEncoding(Buffer.from(z.content), encoding).toString('utf8');
    }
    throw new Error(`the bundle has no ${path}; it has ${[...bundle.keys()].join(', ')}`);
  }
  return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
}

/** A bundle path without the suffix of a compressed payload (`user-data.yaml.gz` → `user-data.yaml`). */
export function uncompressedPath(path: string): string {
  return path.replace(/\.gz(\.b64)?$/, '');
}

/** Paths of the bundle matching a predicate, sorted. */
export function bundlePaths(bundle: Bundle, test: (path: string) => boolean): string[] {
  return [...bundle.keys()].filter(test).sort();
}

/** The VM directories of the hostile spec's one workload. */
export const VM_DIRS = { aws: 'vms/bookinfo/ratings/aws-prod', onprem: 'vms/bookinfo/ratings/dc1', gcp: 'vms/bookinfo/ratings/gcp-prod' } as const;

/** Short description of a case for failure messages: the seed is printed separately; this shows the exact values. */
export function describeCase(c: HostileCase): string {
  return JSON.stringify({ plantedAt: c.plantedAt, format: c.format, values: c.values });
}
