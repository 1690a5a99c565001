/**
 * Values for the spiffe `spire` umbrella chart 0.30.0 (spiffe/helm-charts-hardened). Server
 * settings sit under `spire-server:`; Helm would silently ignore them at the top level
 * (spire-otel.md §2). Every key path exists in charts/spire/values.yaml or the spire-server
 * subchart's values.yaml, except the user-named clusterStaticEntries and unsupportedBuiltInPlugins.
 */
import type { Model } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { buildAttestorValues } from './attestors.js';
import { listSpireEntries } from './registration.js';
import { SPIRE_SERVICE_PORT } from './names.js';
import { buildServerCredentialValues } from './server-credentials.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/**
 * Name of the Secret holding the SPIRE upstream CA (the chart default of
 * `upstreamAuthority.disk.secret.name`). The operator creates it from the mesh PKI, see
 * cluster/README.md; the chart mounts it at /run/spire/upstream_ca and reads tls.crt, tls.key and
 * bundle.crt (spire-server templates/configmap.yaml, _pod_spec.tpl).
 */
export const UPSTREAM_CA_SECRET = 'spiffe-upstream-ca';

/**
 * Trust wiring: SPIRE signs with an intermediate CA chained to the mesh root, so istiod and the
 * in-cluster sidecars (which trust that root) accept VM SVIDs, and SPIRE's bundle carries the root
 * to the VMs (doc/plugin_server_upstreamauthority_disk.md "join an existing PKI"). The key never
 * enters the bundle: `secret.create: false` names a Secret the operator creates. The chart renders
 * bundle_file_path only when `secret.data.bundle` is non-empty (values.yaml comment on
 * upstreamAuthority.ejbca.secret.data.caCert: "mirrors the disk plugin's bundle behavior"), so it
 * holds the public mesh root; with create false nothing else reads it.
 */
function upstreamAuthority(model: Model): Record<string, unknown> {
  const root = model.trust.meshRootCA;
  return {
    disk: {
      enabled: true,
      secret: { create: false, name: UPSTREAM_CA_SECRET, data: { bundle: root.kind === 'inline' ? root.content : `mesh root CA from ${root.url}` } },
    },
  };
}

/** The spire chart's `controllerManager.identities.clusterStaticEntries` for registration: chart-values. */
function staticEntries(model: Model): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of listSpireEntries(model)) {
    // Only fields the chart's static-entries template accepts (spire-otel.md §2.2).
    out[e.key] = { parentID: e.parentID, spiffeID: e.spiffeID, selectors: e.selectors };
  }
  return out;
}

/** Builds the spire umbrella values and the findings about attestor settings. */
export function buildSpireValues(model: Model): { values: Record<string, unknown>; diagnostics: Unlocated[] } {
  const a = buildAttestorValues(model);
  const server: Record<string, unknown> = {
    // Explicit, because the east-west gateway routes the spire port to exactly this Service port.
    service: { port: SPIRE_SERVICE_PORT },
    ...(Object.keys(a.nodeAttestor).length > 0 ? { nodeAttestor: a.nodeAttestor } : {}),
    upstreamAuthority: upstreamAuthority(model),
    ...buildServerCredentialValues(model),
  };
  if (Object.keys(a.unsupportedNodeAttestor).length > 0) server.unsupportedBuiltInPlugins = { nodeAttestor: a.unsupportedNodeAttestor };
  if (a.extraVolumes.length > 0) {
    server.extraVolumes = a.extraVolumes;
    server.extraVolumeMounts = a.extraVolumeMounts;
  }
  if (model.mesh.registration === 'chart-values') {
    server.controllerManager = { identities: { clusterStaticEntries: staticEntries(model) } };
  }
  return {
    values: {
      global: { spire: { trustDomain: model.mesh.trustDomain, clusterName: model.mesh.clusterName } },
      'spire-server': server,
    },
    diagnostics: a.diagnostics,
  };
}
