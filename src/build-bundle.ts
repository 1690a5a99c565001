/**
 * buildBundle: Model → Bundle, pure (no filesystem, clock, randomness or environment).
 * Same model in, same bytes out.
 */
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Model } from './model/model.js';
import { BundleBuilder, type Bundle } from './bundle/bundle.js';
import { addManifest } from './bundle/manifest.js';
import { translators } from './translators.js';
import { BuildCache } from './translate/build-cache.js';
import type { VmRef } from './translate/vm-ref.js';
import { scanBundle, secretFindingsToDiagnostics, type TextFinding } from './security/scan-bundle.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** A built bundle and the translators' findings (unlocated). */
export interface BuiltBundle {
  bundle: Bundle;
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
  diagnostics.push(...secretFindingsToDiagnostics(scanBundle(built, known.findings), built));
  return { bundle: addManifest(built, model.sourceName, known.hashes), diagnostics };
}
