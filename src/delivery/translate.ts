/**
 * The payload translator (issue 5): for every workload × placement of a flavor-istio model, the
 * first-boot payload in its platform's delivery form plus bake.sh, verify.sh and uninstall.sh go
 * into vms/<namespace>/<workload>/<platform>/ (src/bundle/layout.ts). The agent files themselves are added by the VM
 * agent-config translator (src/vm/translate-agent-files.ts); the payload carries the same bytes.
 * Flavor gloo is a later issue and emits nothing.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { BundleBuilder } from '../bundle/bundle.js';
import { BuildCache } from '../translate/build-cache.js';
import { runPerVm, type PerVmTranslator } from '../translate/per-vm.js';
import { platformOf } from '../vm/platform-of.js';
import { vmDir } from '../bundle/layout.js';
import { renderVmPayload } from './payloads.js';

/** The payload files of one VM, with its byte-budget findings. */
export const payloadsPerVm: PerVmTranslator = {
  each(model, { workload, placement }, out, cache) {
    if (model.flavor !== 'istio') return [];
    const payload = renderVmPayload({
      model,
      workload,
      placement,
      platform: platformOf(model, placement),
      agentFiles: cache.agentFiles(model, workload, placement),
      fetches: cache.agentFetches(model, workload, placement),
    });
    const dir = vmDir(workload, placement.platform);
    for (const f of payload.files) out.add(`${dir}/${f.name}`, f.content, { mode: f.mode, source: placement.pointer });
    return payload.diagnostics;
  },
};

/** Adds the payload files of every VM; returns the byte-budget findings. */
export function translatePayloads(model: Model, out: BundleBuilder, cache: BuildCache = new BuildCache()): Diagnostic[] {
  return runPerVm(payloadsPerVm, model, out, cache);
}
