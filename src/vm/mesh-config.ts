/**
 * mesh.yaml, installed as /etc/istio/config/mesh: the ProxyConfig istioctl writes for a
 * WorkloadGroup (istioctl/pkg/workload/workload.go createMeshConfig), i.e.
 * `defaultConfig: { discoveryAddress, proxyMetadata, readinessProbe }`. pilot-agent applies it
 * first and PROXY_CONFIG from istio-start.sh on top (pilot/cmd/pilot-agent/config getMeshConfig).
 */
import type { Model, Probe, WorkloadModel } from '../model/model.js';
import { dumpYaml } from '../render/yaml.js';
import { buildProxyMetadata, compareBytes, istiodAddress } from './proxy-metadata.js';
import { safeHeader } from './safe-header.js';

/**
 * Converts the workload probe to Istio's ReadinessProbe in proto-JSON field names
 * (istio/api networking/v1alpha3 workload_group.proto: httpGet{path,port,scheme}, tcpSocket{port},
 * exec{command}, grpc{port,service}, and the timing fields), which is how istioctl copies
 * `WorkloadGroup.spec.probe` into ProxyConfig.readinessProbe.
 */
export function toReadinessProbe(probe: Probe): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (probe.httpGet) out.httpGet = { path: probe.httpGet.path, port: probe.httpGet.port, scheme: probe.httpGet.scheme };
  if (probe.tcpSocket) out.tcpSocket = { port: probe.tcpSocket.port };
  if (probe.exec) out.exec = { command: [...probe.exec.command] };
  if (probe.grpc) out.grpc = { port: probe.grpc.port, ...(probe.grpc.service !== undefined ? { service: probe.grpc.service } : {}) };
  if (probe.initialDelaySeconds !== undefined) out.initialDelaySeconds = probe.initialDelaySeconds;
  out.periodSeconds = probe.periodSeconds;
  out.timeoutSeconds = probe.timeoutSeconds;
  out.successThreshold = probe.successThreshold;
  out.failureThreshold = probe.failureThreshold;
  return out;
}

/**
 * Builds the mesh.yaml object. discoveryAddress is always written (istioctl writes it only for a
 * revisioned istiod and otherwise relies on the default istiod.istio-system.svc:15012), because
 * the istiod service, namespace and gateway port are all configurable here.
 */
export function buildMeshConfig(model: Model, workload: WorkloadModel): Record<string, unknown> {
  const md = buildProxyMetadata(model, workload);
  const proxyMetadata = Object.fromEntries(Object.entries(md).sort(([a], [b]) => compareBytes(a, b)));
  return {
    defaultConfig: {
      discoveryAddress: istiodAddress(model),
      proxyMetadata,
      ...(workload.probe ? { readinessProbe: toReadinessProbe(workload.probe) } : {}),
    },
  };
}

/** Renders mesh.yaml through the one YAML serializer, with the generated-file header. */
export function renderMeshConfig(model: Model, workload: WorkloadModel): string {
  return safeHeader(model) + dumpYaml(buildMeshConfig(model, workload));
}
