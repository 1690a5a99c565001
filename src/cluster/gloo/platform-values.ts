/**
 * Values for the gloo-platform-crds and gloo-platform charts, with only the keys public sources
 * show (gloo-vm-facts.md §2; no values.yaml of the chart is public for any version ≥ 2.5):
 * - `featureGates.ExternalWorkloads: true` in gloo-platform-crds on the management cluster and on
 *   the workload cluster, and in gloo-platform on the management cluster (§2.2: workshops
 *   2.5.13–2.9.1; the feature-gates page: "enable the feature gate in both the gloo-platform chart
 *   and the gloo-platform-crds Helm chart");
 * - on the workload cluster's gloo-platform: `glooSpireServer.enabled` and `server.trustDomain`
 *   (= Istio's trust domain, §2.3), the SPIRE datastore through the `postgresql` subchart (§2.3),
 *   and `telemetryCollectorCustomization.pipelines.metrics/otlp_relay.enabled` (§2.4).
 * With no separate management cluster (gloo.managementCluster unset), one gloo-platform release
 * is both, so it carries both sets of keys [inferred from the two multi-cluster halves].
 */
import type { Model } from '../../model/model.js';
import { OTLP_RELAY_PIPELINE, SPIRE_DB } from '../../gloo/facts.js';

/** The line a values file carries where the SPIRE datastore password must be replaced (found by placeholderComment). */
export const DB_PASSWORD_KEY_PATH = ['postgresql', 'global', 'postgresql', 'auth', 'password'] as const;

/** The four values objects flavor gloo renders; the management ones only when the management cluster is separate. */
export interface GlooPlatformValues {
  workloadCrds: Record<string, unknown>;
  workload: Record<string, unknown>;
  management?: { crds: Record<string, unknown>; platform: Record<string, unknown> };
}

const featureGates = (): Record<string, unknown> => ({ featureGates: { ExternalWorkloads: true } });

/** Builds the gloo-platform(-crds) values of the workload cluster and, when separate, the management cluster. */
export function buildGlooPlatformValues(model: Model): GlooPlatformValues {
  const separateManagement = model.gloo?.managementCluster !== undefined && model.gloo.managementCluster !== model.mesh.clusterName;
  const workload: Record<string, unknown> = {
    ...(separateManagement ? {} : featureGates()),
    glooSpireServer: {
      enabled: true,
      // SPIRE's trust domain must equal Istio's (the workshops use the cluster name for both; §2.3).
      server: { trustDomain: model.mesh.trustDomain },
    },
    postgresql: {
      enabled: true,
      global: {
        postgresql: {
          auth: {
            database: SPIRE_DB.database,
            username: SPIRE_DB.username,
            // No sourced key reads this from an existing Secret: an empty placeholder here, the real
            // value passed with --set at install time (cluster/README.md), and a warning.
            password: '',
          },
        },
      },
    },
    telemetryCollectorCustomization: { pipelines: { [OTLP_RELAY_PIPELINE]: { enabled: true } } },
  };
  return {
    workloadCrds: featureGates(),
    workload,
    ...(separateManagement ? { management: { crds: featureGates(), platform: featureGates() } } : {}),
  };
}

/**
 * Inserts a comment line above the datastore password key of a dumped gloo-platform values file
 * (a post-processing step: the values are serialized, never templated). Throws when the key is
 * not found exactly once, so a change of shape cannot silently drop the warning.
 */
export function insertPasswordComment(yamlText: string, comment: readonly string[]): string {
  const lines = yamlText.split('\n');
  const path = [...DB_PASSWORD_KEY_PATH];
  const hits: number[] = [];
  const stack: Array<{ indent: number; key: string }> = [];
  lines.forEach((line, i) => {
    const m = /^( *)("?)([A-Za-z0-9_/.-]+)\2:/.exec(line);
    if (!m) return;
    const indent = m[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: m[3]! });
    if (stack.length === path.length && stack.every((s, j) => s.key === path[j])) hits.push(i);
  });
  if (hits.length !== 1) throw new Error(`expected one ${path.join('.')} key in the gloo-platform values, found ${hits.length}`);
  const at = hits[0]!;
  const indent = /^( *)/.exec(lines[at]!)![1]!;
  lines.splice(at, 0, ...comment.map((c) => `${indent}# ${c}`));
  return lines.join('\n');
}
