/**
 * The cluster artifacts as parsed back from the bundle, the input of every consistency check. Its
 * own module because both checkers (consistency.ts and vm-consistency.ts) and the build cache name
 * it: kept in consistency.ts, it made the two checkers import each other.
 */

/** The cluster artifacts as parsed from cluster/*.values.yaml. */
export interface ClusterArtifacts {
  spire: unknown;
  istiod: unknown;
  gateway: unknown;
  mesh: unknown;
}
