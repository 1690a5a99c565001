/**
 * How the east-west gateway's LoadBalancer Service is restricted (eastWestGateway.exposure):
 * `spec.loadBalancerSourceRanges` from the source ranges, and the internal load-balancer
 * annotations of the cluster's cloud. The gateway exposes istiod, the SPIRE server and OTLP to
 * every VM, so a public, unrestricted one lets anyone attempt node attestation or push telemetry.
 */
import type { ClusterCloud, Model } from '../model/model.js';

/**
 * The internal load-balancer annotations per cloud, each from the provider's documentation:
 * - AWS: `service.beta.kubernetes.io/aws-load-balancer-scheme: internal` is what the AWS Load
 *   Balancer Controller reads (kubernetes-sigs.github.io/aws-load-balancer-controller, guide/service/
 *   annotations: "aws-load-balancer-internal ... deprecated, in favor of aws-load-balancer-scheme");
 *   `service.beta.kubernetes.io/aws-load-balancer-internal: "true"` is what the in-tree/cloud
 *   controller manager reads (the same LBC page lists it as the deprecated alias; GKE on AWS
 *   "Create a network load balancer": set it to "true"). Both say "internal", so whichever
 *   controller reconciles the Service gets the same answer.
 * - GCP: `networking.gke.io/load-balancer-type: "Internal"` (cloud.google.com/kubernetes-engine,
 *   "About LoadBalancer Services" / "Multi-network LoadBalancer Services": "To create an internal
 *   load balancer, add the networking.gke.io/load-balancer-type: "Internal" annotation").
 * - Azure: `service.beta.kubernetes.io/azure-load-balancer-internal: "true"` (learn.microsoft.com
 *   azure/aks/internal-lb; kubernetes-sigs cloud-provider-azure "LoadBalancer annotations").
 * Annotation values are strings in Kubernetes, so "true" is quoted.
 */
export const INTERNAL_LB_ANNOTATIONS: Readonly<Record<ClusterCloud, Readonly<Record<string, string>>>> = {
  aws: {
    'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  },
  gcp: { 'networking.gke.io/load-balancer-type': 'Internal' },
  azure: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' },
};

/** The Service settings exposure asks for: annotations and source ranges (both possibly empty). */
export interface GatewayServiceExposure {
  annotations: Record<string, string>;
  loadBalancerSourceRanges: string[];
}

/** Builds the Service annotations and source ranges of the east-west gateway. */
export function buildGatewayServiceExposure(model: Model): GatewayServiceExposure {
  const e = model.gateway.exposure;
  return {
    annotations: e.internal && e.cloud ? { ...INTERNAL_LB_ANNOTATIONS[e.cloud] } : {},
    loadBalancerSourceRanges: [...e.sourceRanges],
  };
}

/** The exposure in words, for READMEs and explain: "internal (aws) load balancer, sources 10.0.0.0/8". */
export function describeGatewayExposure(model: Model): string {
  const e = model.gateway.exposure;
  const lb = e.internal ? `internal load balancer${e.cloud ? ` (${e.cloud} annotations)` : ''}` : 'public load balancer';
  return e.sourceRanges.length > 0 ? `${lb}, reachable from ${e.sourceRanges.join(', ')} only` : `${lb}, reachable from any source`;
}

/** Spreads the non-empty exposure settings into a Service values object. */
export function withExposure(service: Record<string, unknown>, model: Model): Record<string, unknown> {
  const x = buildGatewayServiceExposure(model);
  return {
    ...service,
    ...(Object.keys(x.annotations).length > 0 ? { annotations: x.annotations } : {}),
    ...(x.loadBalancerSourceRanges.length > 0 ? { loadBalancerSourceRanges: x.loadBalancerSourceRanges } : {}),
  };
}
