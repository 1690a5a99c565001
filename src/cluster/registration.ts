/**
 * The SPIRE registration entries the VMs need, independent of where they are declared (the spire
 * chart's clusterStaticEntries, or ClusterStaticEntry CRs rendered by our chart).
 *
 * Per workload × platform (identity design, docs/identity.md):
 * - a node-alias entry: parent = the SPIRE server ID, selectors = the placement's node selectors,
 *   SPIFFE ID = placement.nodeAliasId (`spiffe://<td>/vmonboard/node/<platform>/<ns>/<workload>`).
 *   An entry whose parent is the server ID is a node alias (spire-otel.md §1.3 "Node aliases").
 * - a sidecar entry: parent = that alias (an entry has exactly one parent), SPIFFE ID = the Istio
 *   identity `spiffe://<td>/ns/<ns>/sa/<sa>`, selector `unix:user:istio-proxy` (the sidecar runs
 *   as istio-proxy: istio-start.sh EXEC_USER, spire-otel.md §3).
 * Join-token platforms get no alias entry: the token carries no selectors, and
 * `spire-server token generate -spiffeID <nodeAliasId>` creates the alias when the operator mints
 * the token (spire-otel.md §1.3 join_token; doc/spire_server.md `token generate`).
 */
import { spireEntryKeyBase } from './names.js';
import type { Model, Placement, PlatformModel, WorkloadModel } from '../model/model.js';
import { spireServerId } from './names.js';

/** The Unix workload selector of the VM sidecar (Envoy and pilot-agent run as istio-proxy). */
export const SIDECAR_SELECTOR = 'unix:user:istio-proxy';

/** One SPIRE registration entry. */
export interface SpireEntry {
  /** Stable key, unique per spec: `<namespace>-<workload>-<platform>-node|sidecar`. */
  key: string;
  kind: 'node-alias' | 'sidecar';
  parentID: string;
  spiffeID: string;
  selectors: string[];
  /** JSON pointer of the workload placement this entry serves. */
  pointer: string;
}

/** A join token the operator must mint: the ID it maps the agent to, per workload × platform. */
export interface JoinTokenStep {
  workload: string;
  namespace: string;
  platform: string;
  /** Passed to `spire-server token generate -spiffeID`. */
  spiffeID: string;
  /** Where the VM reads the token (file:// reference of the platform). */
  tokenPath: string;
  pointer: string;
}

/** Lists the entries of every workload placement, alias before sidecar, in spec order. */
export function listSpireEntries(model: Model): SpireEntry[] {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  return model.workloads.flatMap((w) => w.placements.flatMap((pl) => placementSpireEntries(model, w, pl, byName.get(pl.platform))));
}

/** The entries of one workload placement on `platform`: its node alias (none for join tokens, whose alias the token makes), then its sidecar. */
export function placementSpireEntries(model: Model, w: WorkloadModel, pl: Placement, platform: PlatformModel | undefined): SpireEntry[] {
  const base = spireEntryKeyBase(w.namespace, w.name, pl.platform);
  const sidecar: SpireEntry = { key: `${base}-sidecar`, kind: 'sidecar', parentID: pl.nodeAliasId, spiffeID: w.spiffeId, selectors: [SIDECAR_SELECTOR], pointer: pl.pointer };
  if (platform?.attestation.type === 'join_token') return [sidecar];
  return [{ key: `${base}-node`, kind: 'node-alias', parentID: spireServerId(model), spiffeID: pl.nodeAliasId, selectors: [...pl.spireSelectors], pointer: pl.pointer }, sidecar];
}

/** Lists the join tokens an operator mints before first boot, one per join-token placement. */
export function listJoinTokenSteps(model: Model): JoinTokenStep[] {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  const out: JoinTokenStep[] = [];
  for (const w of model.workloads) {
    for (const pl of w.placements) {
      const a = byName.get(pl.platform)?.attestation;
      if (a?.type !== 'join_token') continue;
      const tokenPath = a.token.scheme === 'file' ? a.token.path : a.token.uri;
      out.push({ workload: w.name, namespace: w.namespace, platform: pl.platform, spiffeID: pl.nodeAliasId, tokenPath, pointer: pl.pointer });
    }
  }
  return out;
}
