/**
 * The translator for the VM agent configs: for every workload × placement of a flavor-istio model,
 * each AgentFile from listAgentFiles goes into the bundle at vms/<namespace>/<workload>/<platform>/<bundlePath>,
 * so `vmonboard render` shows the exact bytes the payload installs (issue 4).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { BundleBuilder, FileMode } from '../bundle/bundle.js';
import type { AgentFile } from './agent-file.js';
import { BuildCache } from '../translate/build-cache.js';
import { runPerVm, type PerVmTranslator } from '../translate/per-vm.js';
import { vmDir } from '../bundle/layout.js';
import { findSpireExpansionHazards } from './spire-agent-config.js';

/**
 * Bundle mode of an agent file: 0600 for anything the VM keeps private (mode 0600 there), 0644
 * otherwise. Every agent file is public today (no secret is ever embedded); the rule keeps a future
 * private file private in the bundle too.
 */
export function bundleModeOf(file: AgentFile): FileMode {
  return file.mode === 0o600 ? 0o600 : 0o644;
}

/** The agent files of one VM; flavor gloo is a later issue and adds nothing. */
export const agentFilesPerVm: PerVmTranslator = {
  each(model, { workload, placement }, out, cache) {
    if (model.flavor !== 'istio') return [];
    const diagnostics: Diagnostic[] = [];
    for (const hazard of findSpireExpansionHazards(model, placement)) {
      diagnostics.push({
        severity: 'error',
        code: 'RENDER_FAILED',
        message: `this path contains "\${", which the spire agent config must never hold (it would become a variable reference under -expandEnv); rename the file or directory`,
        pointer: hazard.pointer,
      });
    }
    const dir = vmDir(workload, placement.platform);
    for (const file of cache.agentFiles(model, workload, placement)) {
      out.add(`${dir}/${file.bundlePath}`, file.content, { mode: bundleModeOf(file), source: placement.pointer });
    }
    return diagnostics;
  },
};

/** Adds the agent files of every workload × placement; flavor gloo is a later issue and adds nothing. */
export function translateAgentFiles(model: Model, out: BundleBuilder, cache: BuildCache = new BuildCache()): Diagnostic[] {
  return runPerVm(agentFilesPerVm, model, out, cache);
}
