/**
 * Test-side model variants: a golden case's model, deep-copied and changed, to reach inputs the
 * golden specs do not cover (URL trust sources, secret-store references, IPv6 gateways, hostile
 * label values). Translators read only the model, so a changed model is a faithful input.
 */
import type { Model, Placement, PlatformModel, WorkloadModel } from '../../src/model/model.js';
import { goldenModel } from '../helpers/golden-cases.js';

/** Returns a deep copy of a golden case's model after `change` edited it. */
export async function variantOf(name: string, change: (m: Model) => void = () => undefined): Promise<Model> {
  const model = structuredClone(await goldenModel(name));
  change(model);
  return model;
}

/** The first workload and its first placement (every golden case has at least one). */
export function firstPlacement(model: Model): { workload: WorkloadModel; placement: Placement; platform: PlatformModel } {
  const workload = model.workloads[0]!;
  const placement = workload.placements[0]!;
  const platform = model.platforms.find((p) => p.name === placement.platform)!;
  return { workload, placement, platform };
}

/** Every workload × placement of a model. */
export function allPlacements(model: Model): Array<{ workload: WorkloadModel; placement: Placement }> {
  return model.workloads.flatMap((workload) => workload.placements.map((placement) => ({ workload, placement })));
}

/** Golden cases of flavor istio with their platform kinds (the VM agent files exist only for istio). */
export const ISTIO_CASES = [
  'aws-cloudinit',
  'gcp-startup-script',
  'azure-cloudinit',
  'onprem-x509pop',
  'baremetal-jointoken',
  'aws-bake',
  'crds-registration',
] as const;
