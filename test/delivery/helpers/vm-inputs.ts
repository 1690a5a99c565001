/**
 * VM inputs for the payload tests: each workload × placement of a validated model, with the real
 * agent files and fetches (src/vm/), exactly as the payload translator passes them.
 */
import type { Model } from '../../../src/model/model.js';
import type { VmInputs } from '../../../src/delivery/bootstrap.js';
import { listAgentFiles } from '../../../src/vm/agent-files.js';
import { listAgentFetches } from '../../../src/vm/agent-fetches.js';

/** Every VM (workload × placement) of a model. */
export function vmsOf(model: Model): VmInputs[] {
  return model.workloads.flatMap((workload) =>
    workload.placements.map((placement) => {
      const platform = model.platforms.find((p) => p.name === placement.platform);
      if (!platform) throw new Error(`no platform ${placement.platform}`);
      return {
        model,
        workload,
        placement,
        platform,
        agentFiles: listAgentFiles(model, workload, placement),
        fetches: listAgentFetches(model, workload, placement),
      };
    }),
  );
}

/** The first VM of a model. */
export function firstVm(model: Model): VmInputs {
  const vm = vmsOf(model)[0];
  if (!vm) throw new Error(`model ${model.name} has no VM`);
  return vm;
}
