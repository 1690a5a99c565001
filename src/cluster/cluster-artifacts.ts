/**
 * The cluster artifacts as parsed back from the bundle, the input of every consistency check, and
 * what both checkers read of them alike. Its own module because both checkers (consistency.ts and
 * vm-consistency.ts) and the build cache name it: kept in consistency.ts, it made the two checkers
 * import each other.
 */
import { asList, dig } from './values-access.js';

/** The cluster artifacts as parsed from cluster/*.values.yaml. */
export interface ClusterArtifacts {
  spire: unknown;
  istiod: unknown;
  gateway: unknown;
  mesh: unknown;
}

/** The key of a WorkloadGroup in workloadGroupsByName: its namespace and name, compared as they are (a number is not its digits). */
export function workloadGroupKey(namespace: unknown, name: unknown): string {
  return JSON.stringify([namespace, name]);
}

/**
 * mesh-registration.values.yaml's workloads (our chart's WorkloadGroups) by workloadGroupKey, the
 * first of each, as a scan from the start finds it. Built once per check and read by both
 * checkers: a scan per workload, or per VM, is quadratic in a fleet (a second at 5,000 workloads).
 */
export function workloadGroupsByName(a: ClusterArtifacts): ReadonlyMap<string, unknown> {
  const groups = new Map<string, unknown>();
  for (const g of asList(dig(a.mesh, 'workloads'))) {
    const key = workloadGroupKey(dig(g, 'namespace'), dig(g, 'name'));
    if (!groups.has(key)) groups.set(key, g);
  }
  return groups;
}
