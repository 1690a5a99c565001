/**
 * The payload translator (issue 5): for every workload × placement of a flavor-istio model, the
 * first-boot payload in its platform's delivery form plus bake.sh, verify.sh and uninstall.sh go
 * into vms/<workload>/<platform>/ (layout.ts). The agent files themselves are added by the VM
 * agent-config translator (src/vm/translate-agent-files.ts); the payload carries the same bytes.
 * Flavor gloo is a later issue and emits nothing.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { BundleBuilder } from '../bundle/bundle.js';
import { listAgentFiles } from '../vm/agent-files.js';
import { listAgentFetches } from '../vm/agent-fetches.js';
import { platformOf } from '../vm/platform-of.js';
import { vmDir } from './layout.js';
import { renderVmPayload } from './payloads.js';

/** Adds the payload files of every VM; returns the byte-budget findings. */
export function translatePayloads(model: Model, out: BundleBuilder): Diagnostic[] {
  if (model.flavor !== 'istio') return [];
  const diagnostics: Diagnostic[] = [];
  for (const workload of model.workloads) {
    for (const placement of workload.placements) {
      const platform = platformOf(model, placement);
      const payload = renderVmPayload({
        model,
        workload,
        placement,
        platform,
        agentFiles: listAgentFiles(model, workload, placement),
        fetches: listAgentFetches(model, workload, placement),
      });
      const dir = vmDir(workload.name, placement.platform);
      for (const f of payload.files) out.add(`${dir}/${f.name}`, f.content, { mode: f.mode, source: placement.pointer });
      diagnostics.push(...payload.diagnostics);
    }
  }
  return diagnostics;
}
