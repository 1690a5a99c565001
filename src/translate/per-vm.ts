/**
 * Translators that work VM by VM. Most of a fleet's bundle is per VM (agent configs, payloads,
 * scripts) and each VM depends only on the model, so these translators are written as one
 * function per VM: buildBundle runs them in a loop, and the parallel renderer
 * (src/parallel/render-parallel.ts) shards the same functions across worker threads. Part of the
 * translator contract (src/translate/): translators import it, never the orchestrator that runs them.
 */
import type { Model } from '../model/model.js';
import type { BundleBuilder } from '../bundle/bundle.js';
import type { BuildCache } from './build-cache.js';
import type { TranslatorFinding as Unlocated } from './translator.js';
import { listVms, type VmRef } from './vm-ref.js';

/**
 * The per-VM form of a translator: `each` adds one VM's files and returns its findings, reading
 * nothing but the model (never another VM's files); `after`, when present, returns findings
 * about the model as a whole, reported after every VM's.
 *
 * A fleet's VM workers render a family of VMs whose workloads differ only in their names from one
 * template (src/parallel/vm-family.ts), so `each` must pass a workload's name, namespace and
 * service account through as text: never sort by them, branch on them or measure them. What it
 * derives from a whole text that holds them (a hash, a gzip, a size check) goes through
 * late-values.ts, which computes it again for each VM. The family checks every template it
 * makes, and refuses one that breaks this rule where it can see it.
 */
export interface PerVmTranslator {
  each(model: Model, vm: VmRef, out: BundleBuilder, cache: BuildCache): Unlocated[];
  after?(model: Model): Unlocated[];
}

/** Runs a per-VM translator over every VM of the model, in order: the single-threaded reference. */
export function runPerVm(t: PerVmTranslator, model: Model, out: BundleBuilder, cache: BuildCache): Unlocated[] {
  const diagnostics: Unlocated[] = [];
  for (const vm of listVms(model)) {
    diagnostics.push(...t.each(model, vm, out, cache));
    cache.onVm?.(vm);
  }
  if (t.after) diagnostics.push(...t.after(model));
  return diagnostics;
}
