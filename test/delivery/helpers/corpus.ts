/**
 * The VMs the payload tests use: each workload × placement of a model with the real agent files
 * and fetches (src/vm/), exactly as the payload translator passes them; and the corpus every
 * static test judges, all golden cases plus examples/quickstart.yaml and examples/fleet.yaml, rendered once per test
 * file with the scripts the bootstrap carries for the VM (verify, the hosts refresher).
 */
import { join } from 'node:path';
import { validateSpecFile } from '../../../src/api.js';
import type { Model } from '../../../src/model/model.js';
import { renderVmPayload, type PayloadFile, type VmPayload } from '../../../src/delivery/payloads.js';
import { payloadFiles } from '../../../src/delivery/vm-files.js';
import { goldenCases, goldenModel, PROJECT_ROOT } from '../../helpers/golden-cases.js';
import { listAgentFiles } from '../../../src/vm/agent-files.js';
import { listAgentFetches } from '../../../src/vm/agent-fetches.js';
import type { VmInputs } from '../../../src/delivery/bootstrap.js';

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

/** One rendered VM of the corpus. */
export interface CorpusVm {
  /** `<case>/<namespace>/<workload>/<platform>`: unique, as names are unique per namespace only. */
  id: string;
  vm: VmInputs;
  payload: VmPayload;
  /** Scripts embedded in the bootstrap for the VM (name → content). */
  helpers: PayloadFile[];
}

/** The default example's model. */
export async function quickstartModel(): Promise<Model> {
  const r = await validateSpecFile(join(PROJECT_ROOT, 'examples', 'quickstart.yaml'));
  if (!r.model) throw new Error('examples/quickstart.yaml is invalid');
  return r.model;
}

/** The fleet example's model (per-OS targets, an outbound-only workload; issue 16). */
export async function fleetModel(): Promise<Model> {
  const r = await validateSpecFile(join(PROJECT_ROOT, 'examples', 'fleet.yaml'));
  if (!r.model) throw new Error('examples/fleet.yaml is invalid');
  return r.model;
}

let cache: Promise<CorpusVm[]> | undefined;

/** Renders every VM of every golden case (flavor istio) and of the quickstart and fleet examples. */
export function corpus(): Promise<CorpusVm[]> {
  cache ??= (async () => {
    const models: Array<[string, Model]> = [['quickstart', await quickstartModel()], ['fleet', await fleetModel()]];
    for (const c of goldenCases()) models.push([c, await goldenModel(c)]);
    return models.flatMap(([name, model]) =>
      model.flavor !== 'istio'
        ? []
        : vmsOf(model).map((vm) => {
            const own = payloadFiles(vm.model, vm.workload, vm.placement, vm.platform, vm.agentFiles, vm.fetches).ownStaged;
            return {
              id: `${name}/${vm.workload.namespace}/${vm.workload.name}/${vm.platform.name}`,
              vm,
              payload: renderVmPayload(vm),
              helpers: own.filter((f) => f.content.startsWith('#!')).map((f) => ({ name: f.rel, content: f.content, mode: 0o755 as const })),
            };
          }),
    );
  })();
  return cache;
}
