/**
 * The istiod values fragment of flavor gloo: flavor istio's fragment (trust domain, mesh ID,
 * network, cluster name, revision, auto-registration and health checks; src/cluster/istiod-values.ts)
 * plus what Gloo's VM onboarding adds (gloo-vm-facts.md §4, solo-io/gloo-mesh-use-cases
 * istio-install/vm-agent/*.yaml, and the 2.9 workshop's istiod values, mesh-onboarding.md §1.2):
 * - `PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES: "false"`, "Required for Gloo Mesh
 *   VirtualDestination functionality";
 * - `ISTIO_META_DNS_CAPTURE` and `ISTIO_META_DNS_AUTO_ALLOCATE` in
 *   meshConfig.defaultConfig.proxyMetadata, "For known hosts, enable the Istio agent to handle DNS
 *   requests", when the spec keeps DNS capture on (mesh.dnsCapture).
 * `TELEMETRY_USE_NATIVE_STATS` is in the same files but unrelated to VMs, so it is left to the
 * operator's own istiod values.
 */
import type { Model } from '../../model/model.js';
import { buildIstiodValues } from '../istiod-values.js';

/** Builds the istiod fragment of flavor gloo. */
export function buildGlooIstiodValues(model: Model): Record<string, unknown> {
  const base = buildIstiodValues(model) as { meshConfig: Record<string, unknown>; pilot?: { env: Record<string, string> } };
  const env: Record<string, string> = {
    PILOT_ENABLE_K8S_SELECT_WORKLOAD_ENTRIES: 'false',
    ...(base.pilot?.env ?? {}),
  };
  const meshConfig: Record<string, unknown> = {
    ...base.meshConfig,
    ...(model.mesh.dnsCapture
      ? { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } }
      : {}),
  };
  return { ...base, meshConfig, pilot: { env } };
}
