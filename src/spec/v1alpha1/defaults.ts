/**
 * Normalize stage: the written spec with every default filled in, on a clone (diagnostics keep
 * describing what the user wrote). Array items are never added or removed, so JSON pointers
 * into the written spec stay valid for the normalized one.
 */
import type { WrittenSpec } from './types.gen.js';
import { DEFAULT_VERSIONS } from '../../artifacts/catalog.js';

/** Default east-west gateway ports by role (istio samples/multicluster; gloo-vm-facts.md §4). */
export const DEFAULT_PORTS = {
  tls: 15443,
  istiod: 15012,
  webhook: 15017,
  status: 15021,
  spire: 8081,
  otlp: 4317,
} as const;
/** Gloo's extra roles, with the numbers from the gloo-mesh-use-cases vm-agent IstioOperators (gloo-vm-facts.md §4). */
export const DEFAULT_GLOO_PORTS = { https: 443, cacert: 31338, bootstrap: 31339 } as const;

/** Returns a deep copy of the spec with all defaults applied. */
export function normalizeSpec(written: WrittenSpec): WrittenSpec {
  const s = structuredClone(written);
  const m = s.mesh;
  m.meshID ??= m.trustDomain.replace(/[._]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'mesh1';
  m.istiod = {
    namespace: m.istiod?.namespace ?? 'istio-system',
    service: m.istiod?.service ?? (m.istio.revision ? `istiod-${m.istio.revision}` : 'istiod'),
  };
  m.registration ??= 'chart-values';
  m.autoRegistration ??= true;
  m.dnsCapture ??= true;
  const gw = s.eastWestGateway;
  gw.namespace ??= 'istio-system';
  gw.name ??= 'istio-eastwestgateway';
  gw.labels ??= { istio: 'eastwestgateway' };
  gw.ports = { ...DEFAULT_PORTS, ...(m.flavor === 'gloo' ? DEFAULT_GLOO_PORTS : {}), ...gw.ports };
  if (s.trust.spireBundle) s.trust.spireBundle.format ??= 'pem';
  s.spire = {
    ...s.spire,
    version: s.spire?.version ?? DEFAULT_VERSIONS.spire,
    releaseName: s.spire?.releaseName ?? 'spire',
    namespace: s.spire?.namespace ?? 'spire-server',
    rebootstrapMode: s.spire?.rebootstrapMode ?? 'auto',
  };
  if (s.telemetry) {
    s.telemetry.enabled ??= true;
    s.telemetry.collectorVersion ??= DEFAULT_VERSIONS['otelcol-contrib'];
    s.telemetry.gateway.port ??= 4317;
    s.telemetry.gateway.sni ??= s.telemetry.gateway.host;
    s.telemetry.resourceAttributes ??= {};
  }
  if (s.gloo) s.gloo.gatewayServiceAccount ??= gw.name;
  for (const p of s.platforms) p.bake ??= false;
  for (const w of s.workloads) {
    w.serviceAccount ??= w.name;
    w.labels ??= { app: w.name };
    w.annotations ??= {};
    for (const port of w.ports) port.protocol ??= 'TCP';
    if (w.probe) {
      w.probe.periodSeconds ??= 10;
      w.probe.timeoutSeconds ??= 1;
      w.probe.successThreshold ??= 1;
      w.probe.failureThreshold ??= 3;
      if (w.probe.httpGet) {
        w.probe.httpGet.path ??= '/';
        w.probe.httpGet.scheme ??= 'HTTP';
      }
    }
  }
  s.artifacts ??= {};
  return s;
}
