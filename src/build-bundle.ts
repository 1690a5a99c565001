/**
 * buildBundle: Model → Bundle, pure (no filesystem, clock, randomness or environment).
 * Same model in, same bytes out.
 */
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Model } from './model/model.js';
import { BundleBuilder, type Bundle } from './bundle/bundle.js';
import { addManifest } from './bundle/manifest.js';
import { translators } from './translators.js';
import { BuildCache } from './build-cache.js';
import { scanBundle, secretFindingsToDiagnostics } from './security/scan-bundle.js';

/**
 * Runs every translator over the model; returns the bundle and their findings (unlocated).
 * MANIFEST.json is added after all translators ran, so it covers every file whatever their order.
 * Every file is scanned for secret material: a finding is an error, so nothing gets written.
 */
export function buildBundle(model: Model): { bundle: Bundle; diagnostics: Array<Diagnostic & { atKey?: boolean }> } {
  const out = new BundleBuilder();
  const diagnostics: Array<Diagnostic & { atKey?: boolean }> = [];
  const cache = new BuildCache();
  for (const t of translators) diagnostics.push(...t.run(model, out, cache));
  const built = out.build();
  diagnostics.push(...secretFindingsToDiagnostics(scanBundle(built), built));
  return { bundle: addManifest(built, model.sourceName), diagnostics };
}
