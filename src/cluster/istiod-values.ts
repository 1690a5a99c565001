/**
 * A fragment of istio/istiod chart values: only the settings VMs depend on, to merge into (or
 * compare with) the user's own istiod install. Sources:
 * - `meshConfig.trustDomain` must equal SPIRE's trust domain (istio.io SPIRE integration doc,
 *   spire-otel.md §3);
 * - `global.meshID`, `global.network`, `global.multiCluster.clusterName` and the pilot env for
 *   auto-registration and health checks come from the istio VM install guide
 *   (mesh-onboarding.md §2.1 step 2, "--set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true
 *   --set values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS=true");
 * - `revision` names the istiod-<revision> Service the VMs dial (istio expose-istiod-rev.yaml.tmpl).
 * Nothing else is needed for SPIRE-issued VM certificates: istiod accepts any client certificate
 * chained to the mesh root, which SPIRE's upstream CA is (see spire-values.ts).
 */
import type { Model } from '../model/model.js';

/** Builds the istiod values fragment. */
export function buildIstiodValues(model: Model): Record<string, unknown> {
  const env: Record<string, string> = {};
  if (model.mesh.autoRegistration) {
    // Env values are strings in the chart (they become container env).
    env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION = 'true';
    env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS = 'true';
  }
  return {
    ...(model.mesh.revision ? { revision: model.mesh.revision } : {}),
    meshConfig: { trustDomain: model.mesh.trustDomain },
    global: {
      meshID: model.mesh.meshID,
      network: model.mesh.network,
      multiCluster: { clusterName: model.mesh.clusterName },
    },
    ...(Object.keys(env).length > 0 ? { pilot: { env } } : {}),
  };
}
