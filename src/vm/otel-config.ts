/**
 * The OpenTelemetry collector config (otelcol-contrib 0.159.0, /etc/otelcol-contrib/config.yaml):
 * host metrics and the sidecar's merged Prometheus metrics, tagged with the cloud instance and the
 * mesh workload, exported over OTLP/gRPC with TLS through the east-west gateway's `otlp` port.
 * Built as an object and written by dumpYaml (architecture guide §4). Field names follow the
 * component READMEs and config.schema.yaml files cited in spire-otel.md §4.3.
 */
import type { Model, Placement, PlatformKind, WorkloadModel } from '../model/model.js';
import { dumpYaml } from '../render/yaml.js';
import { safeHeader } from './safe-header.js';
import { canonicalService } from './proxy-metadata.js';
import { OTEL_PATHS } from './paths.js';
import { platformOf } from './platform-of.js';
import { otelComponentsFor } from './otel-components.js';
import { DEFAULT_VERSIONS } from '../artifacts/catalog.js';
import { collectorClientTls, usesCollectorSvid } from './otel-client-cert.js';

/** Component names of the pinned collector (otelcol-contrib 0.159.0); see otel-components.ts for other versions. */
export const OTEL_COMPONENTS = otelComponentsFor(DEFAULT_VERSIONS['otelcol-contrib']);

/**
 * Detectors per platform: only the VM's own cloud detector plus env and system. A cloud detector
 * on the wrong platform can fail or stop the collector (contrib #4616, #50826; spire-otel.md §6
 * items 11–12), so on-prem and bare metal get [env, system] only. env comes first and wins on
 * conflicts ("the first detector to insert wins", resourcedetectionprocessor README).
 */
const DETECTORS: Record<PlatformKind, string[]> = {
  aws: ['env', 'ec2', 'system'],
  gcp: ['env', 'gcp', 'system'],
  azure: ['env', 'azure', 'system'],
  onprem: ['env', 'system'],
  baremetal: ['env', 'system'],
};

/** Returns the resource detectors for a platform kind. */
export function detectorsFor(kind: PlatformKind): string[] {
  return [...DETECTORS[kind]];
}

/**
 * Escapes `$` as `$$`: the collector expands `${...}` and `$VAR` in every config string and
 * reads `$$` as a literal `$` (opentelemetry-collector confmap, commit 9ceeda2, #10713; the
 * prometheus receiver README: "$ characters ... must escape them using $$").
 */
export function escapeCollectorString(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** `host:port` for a gRPC target; IPv6 literals get brackets. */
function hostPort(model: Model): string {
  const host = model.gateway.addressKind === 'ipv6' ? `[${model.gateway.address}]` : model.gateway.address;
  return `${host}:${model.gateway.ports.otlp}`;
}

/** The resource attributes naming the mesh workload, then the spec's own (sorted), all upserted. */
function resourceAttributes(model: Model, workload: WorkloadModel, placement: Placement): Array<Record<string, string>> {
  const ours: Array<[string, string]> = [
    ['service.name', canonicalService(workload).name],
    ['service.namespace', workload.namespace],
    ['mesh.id', model.mesh.meshID],
    ['mesh.workload.name', workload.name],
    ['mesh.workload.namespace', workload.namespace],
    ['mesh.workload.service_account', workload.serviceAccount],
    ['mesh.platform', placement.platform],
  ];
  const user = Object.entries(model.telemetry.resourceAttributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...ours, ...user].map(([key, value]) => ({ key: escapeCollectorString(key), value: escapeCollectorString(value), action: 'upsert' }));
}

/** Builds the collector config object for one workload on one platform. */
export function buildOtelConfig(model: Model, workload: WorkloadModel, placement: Placement): Record<string, unknown> {
  const platform = platformOf(model, placement);
  const c = otelComponentsFor(model.telemetry.collectorVersion);
  return {
    receivers: {
      [c.hostmetrics]: {
        collection_interval: '60s',
        scrapers: {
          cpu: {},
          memory: {},
          load: {},
          disk: {},
          // Virtual file systems would report meaningless usage (spire-otel.md §4.3 sample).
          filesystem: { exclude_fs_types: { fs_types: ['autofs', 'proc', 'sysfs', 'tmpfs', 'devtmpfs', 'overlay', 'squashfs'], match_type: 'strict' } },
          network: {},
        },
      },
      [c.prometheus]: {
        config: {
          scrape_configs: [
            {
              // 15020 serves the merged agent + Envoy + app metrics; scraping 15090 too would duplicate Envoy's (spire-otel.md §3).
              job_name: 'istio-sidecar',
              scrape_interval: '60s',
              metrics_path: '/stats/prometheus',
              static_configs: [{ targets: ['127.0.0.1:15020'] }],
            },
          ],
        },
      },
    },
    processors: {
      // "add it as the first processor" (memorylimiterprocessor README).
      [c.memoryLimiter]: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 15 },
      [c.detection]: { detectors: detectorsFor(platform.kind), timeout: '5s', override: false },
      [c.resource]: { attributes: resourceAttributes(model, workload, placement) },
    },
    exporters: {
      [c.exporter]: {
        endpoint: hostPort(model),
        tls: {
          ca_file: OTEL_PATHS.gatewayCA,
          server_name_override: escapeCollectorString(model.telemetry.gateway.sni),
          // The VM's SVID as client certificate, reloaded on rotation (otel-client-cert.ts).
          ...(usesCollectorSvid(model) ? collectorClientTls() : {}),
        },
        // Batching in the exporter, as the pinned collector recommends over the batch processor
        // (opentelemetry-collector v0.159.0 processor/README.md, "Recommended Processors": "prefer
        // using the exporter's batching capabilities when available"); `batch: {}` turns on the
        // defaults, which are off otherwise (exporter/exporterhelper/README.md, "Sending queue batch
        // settings": flush_timeout 200ms, min_size 8192 items).
        sending_queue: { batch: {} },
      },
    },
    service: {
      pipelines: {
        metrics: {
          receivers: [c.hostmetrics, c.prometheus],
          processors: [c.memoryLimiter, c.detection, c.resource],
          exporters: [c.exporter],
        },
      },
    },
  };
}

/** Renders config.yaml with the generated-file header. */
export function renderOtelConfig(model: Model, workload: WorkloadModel, placement: Placement): string {
  return safeHeader(model) + dumpYaml(buildOtelConfig(model, workload, placement));
}
