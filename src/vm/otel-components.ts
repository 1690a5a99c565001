/**
 * Component type names per otelcol-contrib version: two components the collector config uses were
 * renamed, each keeping its old name as a deprecated alias, so a config must use the name its
 * collector version knows (before a rename the new name is refused; after it the old one only warns).
 *
 * - OTLP gRPC exporter `otlp` → `otlp_grpc` in collector v0.144.0: open-telemetry/opentelemetry-collector
 *   commit fc5681aa92 "[exporter/otlp] rename to otlp_grpc with deprecated alias otlp (#14403)";
 *   `exporter/otlpexporter/metadata.yaml` has `type: otlp` at tag v0.143.0 and `type: otlp_grpc`
 *   (`deprecated_type: otlp`) at v0.144.0, and the v0.144.0 CHANGELOG lists the rename.
 * - resource detection processor `resourcedetection` → `resource_detection` in contrib v0.153.0:
 *   open-telemetry/opentelemetry-collector-contrib PR #48525 ("rename to `resource_detection` with
 *   deprecated alias `resourcedetection`"), merged 2026-05-19, after core v0.152.0 (tagged
 *   2026-05-11) and before v0.153.0 (tagged 2026-05-25; contrib releases with the same number
 *   follow core's); shared/reference/spire-otel.md §4.2.
 *
 * otelcol-contrib versions carry the core version number they are built on (the releases'
 * manifest pins core and contrib modules of one version).
 */

/** The first minor version (0.x) with each new name. */
export const OTEL_RENAMES = { otlpGrpc: 144, resourceDetection: 153 } as const;

/** Component names of one collector config. */
export interface OtelComponentNames {
  exporter: string;
  detection: string;
  resource: string;
  memoryLimiter: string;
  hostmetrics: string;
  prometheus: string;
}

/** The 0.x minor version of a collector version (`0.159.0` → 159); a 1.x or later counts as newest. */
function minorOf(version: string): number {
  const [major, minor] = version.split('.').map((n) => Number.parseInt(n, 10));
  return major === 0 ? (minor ?? 0) : Number.POSITIVE_INFINITY;
}

/** The component names for an otelcol-contrib version. */
export function otelComponentsFor(collectorVersion: string): OtelComponentNames {
  const minor = minorOf(collectorVersion);
  return {
    exporter: `${minor >= OTEL_RENAMES.otlpGrpc ? 'otlp_grpc' : 'otlp'}/gateway`,
    detection: `${minor >= OTEL_RENAMES.resourceDetection ? 'resource_detection' : 'resourcedetection'}/platform`,
    resource: 'resource/mesh',
    memoryLimiter: 'memory_limiter',
    hostmetrics: 'hostmetrics',
    prometheus: 'prometheus/istio',
  };
}
