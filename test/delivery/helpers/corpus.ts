/**
 * Every payload the tests judge: all golden cases plus examples/quickstart.yaml, rendered once per
 * test file, with the scripts the bootstrap carries for the VM (verify, the hosts refresher).
 */
import { join } from 'node:path';
import { validateSpecFile } from '../../../src/api.js';
import type { Model } from '../../../src/model/model.js';
import { renderVmPayload, type PayloadFile, type VmPayload } from '../../../src/delivery/payloads.js';
import { payloadFiles } from '../../../src/delivery/vm-files.js';
import { goldenCases, goldenModel, PROJECT_ROOT } from '../../helpers/golden-cases.js';
import { vmsOf } from './vm-inputs.js';
import type { VmInputs } from '../../../src/delivery/bootstrap.js';

/** One rendered VM of the corpus. */
export interface CorpusVm {
  /** `<case>/<workload>/<platform>`. */
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

let cache: Promise<CorpusVm[]> | undefined;

/** Renders every VM of every golden case (flavor istio) and of the quickstart example. */
export function corpus(): Promise<CorpusVm[]> {
  cache ??= (async () => {
    const models: Array<[string, Model]> = [['quickstart', await quickstartModel()]];
    for (const c of goldenCases()) models.push([c, await goldenModel(c)]);
    return models.flatMap(([name, model]) =>
      model.flavor !== 'istio'
        ? []
        : vmsOf(model).map((vm) => {
            const own = payloadFiles(vm.model, vm.workload, vm.placement, vm.platform, vm.agentFiles, vm.fetches).ownStaged;
            return {
              id: `${name}/${vm.workload.name}/${vm.platform.name}`,
              vm,
              payload: renderVmPayload(vm),
              helpers: own.filter((f) => f.content.startsWith('#!')).map((f) => ({ name: f.rel, content: f.content, mode: 0o755 as const })),
            };
          }),
    );
  })();
  return cache;
}
