/**
 * What several translators derive from the same VM, computed once per build. The agent-file and
 * payload translators both need each VM's agent files and fetches; a fleet of thousands of VMs
 * would otherwise render every config twice. One cache lives exactly as long as one build
 * (buildBundle, or one worker's share of a parallel build): tests and callers may change a model
 * between builds, so nothing here outlives the build that made it.
 */
import type { Model, Placement, WorkloadModel } from '../model/model.js';
import type { AgentFile } from '../vm/agent-file.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import type { VmUsage } from '../cluster/vm-usage.js';
import type { ClusterArtifacts } from '../cluster/cluster-artifacts.js';
import type { VmRef } from './vm-ref.js';
import { listAgentFiles, newAgentFilesMemo } from '../vm/agent-files.js';
import { listAgentFetches } from '../vm/agent-fetches.js';

/** A per-build memo, keyed by the placement objects of the model being built. */
export class BuildCache {
  /** Called after each VM a per-VM translator finished (render progress); never affects output. */
  onVm: ((vm: VmRef) => void) | undefined;
  private readonly files = new Map<Placement, AgentFile[]>();
  private readonly fetches = new Map<Placement, AgentFetch[]>();
  private readonly agentMemo = newAgentFilesMemo();
  /**
   * What every VM's files say about the cluster (cluster/vm-usage.ts), in VM order, when a
   * parallel build already read it from the files its workers rendered; undefined otherwise.
   */
  vmUsage: VmUsage[] | undefined;
  /** The cluster values as parsed back from the files translateClusterValues wrote, for the consistency check. */
  clusterArtifacts: ClusterArtifacts | undefined;

  /** listAgentFiles, once per placement. */
  agentFiles(model: Model, workload: WorkloadModel, placement: Placement): AgentFile[] {
    let f = this.files.get(placement);
    if (!f) this.files.set(placement, (f = listAgentFiles(model, workload, placement, this.agentMemo)));
    return f;
  }

  /** listAgentFetches, once per placement. */
  agentFetches(model: Model, workload: WorkloadModel, placement: Placement): AgentFetch[] {
    let f = this.fetches.get(placement);
    if (!f) this.fetches.set(placement, (f = listAgentFetches(model, workload, placement)));
    return f;
  }
}
