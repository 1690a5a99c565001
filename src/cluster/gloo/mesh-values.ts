/**
 * Our chart's values for flavor gloo (charts/vmonboard-mesh): the ExternalWorkloads and the
 * east-west Service with every Gloo port role. Everything flavor istio renders is off: the
 * ExternalWorkload replaces WorkloadGroup and Service (Gloo derives the in-mesh host
 * `<name>.<namespace>.ext.cluster.local` from it; mesh-onboarding.md §1.4), Gloo Mesh programs the
 * gateway listeners itself, and the Gloo SPIRE server registers the VMs (no ClusterStaticEntry).
 */
import type { Model } from '../../model/model.js';
import { NETWORK_LABEL } from '../gateway-values.js';
import { buildExternalWorkload } from './external-workloads.js';
import { listGlooGatewayPorts } from './gateway-ports.js';
import { withExposure } from '../gateway-exposure.js';

/** Builds the mesh-registration values of flavor gloo. */
export function buildGlooMeshValues(model: Model): Record<string, unknown> {
  return {
    namespaces: { create: false, names: [...new Set(model.workloads.map((w) => w.namespace))].sort() },
    serviceAccounts: { create: false },
    workloadGroups: { enabled: false },
    services: { enabled: false },
    workloads: [],
    externalWorkloads: model.workloads.map((w) => buildExternalWorkload(model, w)),
    eastWest: {
      namespace: model.gateway.namespace,
      selector: { ...model.gateway.labels },
      istiod: { enabled: false },
      crossNetwork: { enabled: false },
      passthrough: {},
      service: withExposure({
        enabled: true,
        name: model.gateway.name,
        // "Required to onboard VMs" (use-cases vm-agent files): the VMs dial its external address.
        type: 'LoadBalancer',
        // istiod finds a network's gateway by this label on the Service (the workshop Service carries it).
        labels: { ...model.gateway.labels, [NETWORK_LABEL]: model.mesh.network },
        ports: listGlooGatewayPorts(model).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP' })),
      }, model),
    },
    spire: { className: '', staticEntries: {} },
    tests: { enabled: true, gatewayHost: `${model.gateway.name}.${model.gateway.namespace}.svc`, statusPort: model.gateway.ports.status },
  };
}
