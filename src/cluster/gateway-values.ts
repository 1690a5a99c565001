/**
 * Values for the istio/gateway chart, installed as the east-west gateway.
 *
 * Choice: we do NOT set `networkGateway`. With it, the chart's service.yaml replaces
 * `service.ports` by four fixed ports (15021/15443/15012/15017), so the spire and otlp roles could
 * not be served (mesh-onboarding.md §2.8; istio manifests/charts/gateway/templates/service.yaml).
 * `networkGatewayPorts` would lift that, but only from Istio 1.30, newer than the pinned charts.
 * Instead we set what networkGateway would have set ourselves:
 * - the `topology.istio.io/network` label through `labels`, which the chart puts on the pods and
 *   the Service (templates/_helpers.tpl "gateway.labels"), so istiod finds the network gateway;
 * - `env.ISTIO_META_REQUESTED_NETWORK_VIEW` (gen-eastwest-gateway.sh, mesh-onboarding.md §2.7);
 * - every port role in `service.ports`, so the chart's own Service serves them all and no extra
 *   Service is needed (our chart's eastWest.service stays disabled for flavor istio).
 * Only keys present in the pinned chart's values.schema.json are used.
 */
import type { Model } from '../model/model.js';
import { listVmEndpoints } from './endpoints.js';
import { withExposure } from './gateway-exposure.js';

/** The pod/Service label istiod uses to find a network's gateway. */
export const NETWORK_LABEL = 'topology.istio.io/network';

/** Builds the east-west gateway values. */
export function buildGatewayValues(model: Model): Record<string, unknown> {
  return {
    // The Service and Deployment take this name (templates/_helpers.tpl "gateway.name").
    name: model.gateway.name,
    ...(model.mesh.revision ? { revision: model.mesh.revision } : {}),
    labels: { ...model.gateway.labels, [NETWORK_LABEL]: model.mesh.network },
    env: { ISTIO_META_REQUESTED_NETWORK_VIEW: model.mesh.network },
    // service.annotations and service.loadBalancerSourceRanges (values.schema.json) restrict who reaches it.
    service: withExposure(
      {
        type: 'LoadBalancer',
        // Gateway listeners bind the Gateway server port numbers, so targetPort = port.
        ports: listVmEndpoints(model).map((e) => ({ name: e.portName, port: e.port, protocol: 'TCP', targetPort: e.port })),
      },
      model,
    ),
  };
}
