/**
 * Values for our own chart, charts/vmonboard-mesh. TypeScript decides everything here (which
 * objects, which routes, which entries); the chart only lays the values out. The shape is
 * validated by charts/vmonboard-mesh/values.schema.json. A later flavor adds its own keys (for
 * example Gloo ExternalWorkloads) next to these and turns off what it does not use.
 */
import type { Model, Probe, WorkloadModel } from '../model/model.js';
import { listVmEndpoints, istiodSniHosts, listPreviousIstiodRoutes } from './endpoints.js';
import { listSpireEntries } from './registration.js';
import { clusterLocal } from './names.js';

/** Istio's explicit protocol names for Service ports (istio.io "Protocol Selection": appProtocol: <protocol>). */
const APP_PROTOCOL: Record<WorkloadModel['ports'][number]['protocol'], string> = {
  HTTP: 'http',
  HTTPS: 'https',
  HTTP2: 'http2',
  GRPC: 'grpc',
  TCP: 'tcp',
  TLS: 'tls',
  MONGO: 'mongo',
};

/** Converts the model probe to WorkloadGroup.probe (istio networking/v1 ReadinessProbe fields). */
function toWorkloadGroupProbe(p: Probe): Record<string, unknown> {
  return {
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold: p.successThreshold,
    failureThreshold: p.failureThreshold,
    ...(p.httpGet ? { httpGet: { path: p.httpGet.path, port: p.httpGet.port, scheme: p.httpGet.scheme } } : {}),
    ...(p.tcpSocket ? { tcpSocket: { port: p.tcpSocket.port } } : {}),
    ...(p.exec ? { exec: { command: [...p.exec.command] } } : {}),
    ...(p.grpc ? { grpc: { port: p.grpc.port, ...(p.grpc.service !== undefined ? { service: p.grpc.service } : {}) } } : {}),
  };
}

function toWorkload(model: Model, w: WorkloadModel): Record<string, unknown> {
  return {
    name: w.name,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    labels: { ...w.labels },
    annotations: { ...w.annotations },
    // VMs sit on their own network: istiod routes to them through the east-west gateway.
    network: model.mesh.vmNetwork,
    ports: w.ports.map((p) => ({ name: p.name, number: p.number, appProtocol: APP_PROTOCOL[p.protocol] })),
    ...(w.probe ? { probe: toWorkloadGroupProbe(w.probe) } : {}),
  };
}

/** Builds the mesh-registration values of flavor istio. */
export function buildMeshValues(model: Model): Record<string, unknown> {
  const endpoints = listVmEndpoints(model);
  const byRole = new Map(endpoints.map((e) => [e.role, e]));
  const passthrough: Record<string, unknown> = {};
  for (const role of ['spire', 'otlp'] as const) {
    const e = byRole.get(role);
    if (!e?.destination) continue;
    passthrough[role] = e.mode === 'tcp'
      ? { protocol: 'TCP', port: e.port, host: e.destination.host, targetPort: e.destination.port }
      : { protocol: 'TLS', port: e.port, sniHosts: e.sniHosts, host: e.destination.host, targetPort: e.destination.port };
  }
  const istiod = byRole.get('istiod')!;
  const webhook = byRole.get('webhook')!;
  const entries = model.mesh.registration === 'crds' ? listSpireEntries(model) : [];
  return {
    namespaces: { create: false, names: [...new Set(model.workloads.map((w) => w.namespace))].sort() },
    serviceAccounts: { create: true },
    workloadGroups: { enabled: true },
    services: { enabled: true },
    workloads: model.workloads.map((w) => toWorkload(model, w)),
    eastWest: {
      namespace: model.gateway.namespace,
      selector: { ...model.gateway.labels },
      istiod: {
        enabled: true,
        revision: model.mesh.revision ?? '',
        sniHosts: istiodSniHosts(model),
        host: clusterLocal(model.mesh.istiod.host),
        xds: { port: istiod.port, targetPort: istiod.destination!.port },
        webhook: { port: webhook.port, targetPort: webhook.destination!.port },
        // Canary upgrades: VMs still on an older payload keep their revision's route (issue 14 §3).
        previousRevisions: listPreviousIstiodRoutes(model),
      },
      crossNetwork: { enabled: true, port: model.gateway.ports.tls, hosts: byRole.get('tls')!.sniHosts },
      passthrough,
      service: { enabled: false },
    },
    spire: {
      className: model.spire.className,
      staticEntries: Object.fromEntries(entries.map((e) => [e.key, { parentID: e.parentID, spiffeID: e.spiffeID, selectors: e.selectors }])),
    },
    tests: { enabled: true, gatewayHost: `${model.gateway.name}.${model.gateway.namespace}.svc`, statusPort: model.gateway.ports.status },
  };
}
