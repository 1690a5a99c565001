/**
 * buildBundle: Model → Bundle, pure (no filesystem, clock, randomness or environment).
 * Same model in, same bytes out.
 */
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Model } from './model/model.js';
import { BundleBuilder, type Bundle, type WrittenFile } from './bundle/bundle.js';
import { addManifest } from './bundle/manifest.js';
import { translators } from './translators.js';
import { BuildCache } from './translate/build-cache.js';
import type { VmRef } from './translate/vm-ref.js';
import { scanBundle, secretFindingsToDiagnostics, type SecretFinding, type TextFinding } from './security/scan-bundle.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/**
 * A built bundle and the translators' findings (unlocated). A streaming build (a fleet rendered
 * into a sink) keeps only the files it did not write in `bundle`; `written` lists the others, and
 * MANIFEST.json (in `bundle`) covers both.
 */
export interface BuiltBundle {
  bundle: Bundle;
  written?: ReadonlyMap<string, WrittenFile>;
  diagnostics: Unlocated[];
}

/**
 * Runs every translator over the model; returns the bundle and their findings (unlocated).
 * MANIFEST.json is added after all translators ran, so it covers every file whatever their order.
 * Every file is scanned for secret material: a finding is an error, so nothing gets written.
 */
export function buildBundle(model: Model, onVm?: (vm: VmRef) => void): BuiltBundle {
  const out = new BundleBuilder();
  const diagnostics: Unlocated[] = [];
  const cache = new BuildCache();
  cache.onVm = onVm;
  for (const t of translators) diagnostics.push(...t.run(model, out, cache));
  return finishBundle(model, out, diagnostics);
}

/**
 * The files of some VMs only (the per-VM translators over `vms`), for commands that judge a few
 * VMs' files without rendering the fleet: `explain` names the payload file each VM's directory
 * holds, which is compressed when the raw payload is over its platform's limit.
 */
export function buildVmFiles(model: Model, vms: readonly VmRef[]): Bundle {
  const out = new BundleBuilder();
  const cache = new BuildCache();
  for (const vm of vms) for (const t of translators) t.perVm?.each(model, vm, out, cache);
  return out.build();
}

/**
 * The last step of every build (buildBundle and the parallel renderer): the secret scan of every
 * file, then MANIFEST.json. `known` holds sha256 hashes and scan findings a parallel build's
 * workers already computed for byte contents.
 */
export function finishBundle(
  model: Model,
  out: BundleBuilder,
  diagnostics: Unlocated[],
  known: { hashes?: ReadonlyMap<Uint8Array, string>; findings?: ReadonlyMap<Uint8Array, readonly TextFinding[]> } = {},
): BuiltBundle {
  const built = out.build();
  const written = out.written();
  let findings = scanBundle(built, known.findings);
  if (written.size > 0) {
    // The workers scanned what they wrote; merged in path order, as one scan of every file would list them.
    const streamed: SecretFinding[] = [];
    for (const [path, f] of written) for (const x of f.findings) streamed.push({ path, ...x });
    if (streamed.length > 0) findings = [...findings, ...streamed].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)); // stable: per-file order kept
  }
  diagnostics.push(...secretFindingsToDiagnostics(findings, { get: (path) => built.get(path) ?? written.get(path) }));
  return { bundle: addManifest(built, model.sourceName, known.hashes, written), ...(written.size > 0 ? { written } : {}), diagnostics };
}
