/**
 * Values for the (Solo build of the) istio/gateway chart as Gloo's east-west gateway, following
 * the 2.9 workshop (mesh-onboarding.md §1.3): `service.type: None`, because the chart's own
 * Service cannot carry Gloo's extra ports when `networkGateway` is set, and our chart renders the
 * Service with every Gloo port role instead (gateway-ports.ts). `labels` carries the pod labels
 * the Service selects and `topology.istio.io/network`; `env.ISTIO_META_REQUESTED_NETWORK_VIEW` is
 * the network, as in the workshop. Only keys of the upstream chart's values.schema.json are used
 * (test/gloo checks them against ../shared/upstream/istio/charts/gateway/values.schema.json).
 */
import type { Model } from '../../model/model.js';
import { NETWORK_LABEL } from '../gateway-values.js';

/** Builds the east-west gateway values of flavor gloo. */
export function buildGlooGatewayValues(model: Model): Record<string, unknown> {
  return {
    name: model.gateway.name,
    ...(model.mesh.revision ? { revision: model.mesh.revision } : {}),
    labels: { ...model.gateway.labels, [NETWORK_LABEL]: model.mesh.network },
    env: { ISTIO_META_REQUESTED_NETWORK_VIEW: model.mesh.network },
    // "Set to None to disable the service entirely" (istio gateway chart values.yaml).
    service: { type: 'None' },
  };
}
