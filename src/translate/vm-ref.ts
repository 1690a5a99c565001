/**
 * One VM of a model, the unit per-VM translators work on. It sits at the bottom of the translator
 * contract (src/translate/) so that both the build cache and the per-VM runner can name it without
 * importing each other.
 */
import type { Model, Placement, WorkloadModel } from '../model/model.js';

/** One VM of a model: a workload on one of its placements. */
export interface VmRef {
  workload: WorkloadModel;
  placement: Placement;
}

/** Every VM of a model, in the order translators visit them (workloads, then their placements). */
export function listVms(model: Model): VmRef[] {
  return model.workloads.flatMap((workload) => workload.placements.map((placement) => ({ workload, placement })));
}
