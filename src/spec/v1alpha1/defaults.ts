/**
 * Normalize stage: the written spec with every default filled in, on a clone (diagnostics keep
 * describing what the user wrote). Array items are never added or removed, so JSON pointers
 * into the written spec stay valid for the normalized one.
 */
import type { WrittenSpec } from './types.gen.js';
import { DEFAULT_VERSIONS } from '../../artifacts/catalog.js';
import type { DerivedDefault } from '../schema-failures.js';

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

/**
 * Defaults derived from another field: when the source failed the schema, the derived value
 * fails with it (see src/spec/schema-failures.ts). Keep in step with the steps below.
 */
export const DERIVED_DEFAULTS: readonly DerivedDefault[] = [
  ['/mesh/meshID', '/mesh/trustDomain'],
  ['/mesh/istiod/service', '/mesh/istio/revision'],
  ['/gloo/gatewayServiceAccount', '/eastWestGateway/name'],
  ['/telemetry/gateway/sni', '/telemetry/gateway/host'],
  ['/workloads/*/serviceAccount', '/workloads/*/name'],
  ['/workloads/*/labels', '/workloads/*/name'],
];

type Step = (s: WrittenSpec) => void;

/**
 * The defaults, one independent step each, so a schema-invalid spec can be normalized step by
 * step (normalizeSpecPartially): a step that meets a malformed section leaves it as written,
 * and the rules that would read it are skipped by the guarded view.
 */
const SPEC_STEPS: readonly Step[] = [
  (s) => {
    const m = s.mesh;
    m.meshID ??= m.trustDomain.replace(/[._]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'mesh1';
  },
  (s) => {
    const m = s.mesh;
    m.istiod = {
      namespace: m.istiod?.namespace ?? 'istio-system',
      service: m.istiod?.service ?? (m.istio.revision ? `istiod-${m.istio.revision}` : 'istiod'),
    };
  },
  (s) => {
    const m = s.mesh;
    m.registration ??= 'chart-values';
    m.autoRegistration ??= true;
    m.dnsCapture ??= true;
  },
  (s) => {
    const gw = s.eastWestGateway;
    gw.namespace ??= 'istio-system';
    gw.name ??= 'istio-eastwestgateway';
    gw.labels ??= { istio: 'eastwestgateway' };
  },
  (s) => {
    const gw = s.eastWestGateway;
    gw.ports = { ...DEFAULT_PORTS, ...(s.mesh.flavor === 'gloo' ? DEFAULT_GLOO_PORTS : {}), ...gw.ports };
  },
  (s) => {
    if (s.trust.spireBundle) s.trust.spireBundle.format ??= 'pem';
  },
  (s) => {
    s.spire = {
      ...s.spire,
      version: s.spire?.version ?? DEFAULT_VERSIONS.spire,
      releaseName: s.spire?.releaseName ?? 'spire',
      namespace: s.spire?.namespace ?? 'spire-server',
      rebootstrapMode: s.spire?.rebootstrapMode ?? 'auto',
    };
  },
  (s) => {
    if (s.telemetry) {
      s.telemetry.enabled ??= true;
      s.telemetry.collectorVersion ??= DEFAULT_VERSIONS['otelcol-contrib'];
      s.telemetry.resourceAttributes ??= {};
    }
  },
  (s) => {
    if (s.telemetry) {
      s.telemetry.gateway.port ??= 4317;
      s.telemetry.gateway.sni ??= s.telemetry.gateway.host;
    }
  },
  (s) => {
    if (s.gloo) s.gloo.gatewayServiceAccount ??= s.eastWestGateway.name;
  },
  (s) => {
    s.artifacts ??= {};
  },
];

type Platform = WrittenSpec['platforms'][number];
type Workload = WrittenSpec['workloads'][number];

const PLATFORM_STEPS: ReadonlyArray<(p: Platform) => void> = [(p) => void (p.bake ??= false)];

const WORKLOAD_STEPS: ReadonlyArray<(w: Workload) => void> = [
  (w) => void (w.serviceAccount ??= w.name),
  (w) => void (w.labels ??= { app: w.name }),
  (w) => void (w.annotations ??= {}),
  (w) => {
    // No ports: an outbound-only workload (issue 16); the model always carries a list.
    w.ports ??= [];
    for (const port of w.ports) port.protocol ??= 'TCP';
  },
  (w) => {
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
  },
];

/** Returns a deep copy of the spec with all defaults applied. */
export function normalizeSpec(written: WrittenSpec): WrittenSpec {
  const s = structuredClone(written);
  for (const step of SPEC_STEPS) step(s);
  for (const p of s.platforms) for (const step of PLATFORM_STEPS) step(p);
  for (const w of s.workloads) for (const step of WORKLOAD_STEPS) step(w);
  return s;
}

/**
 * Normalizes a spec that failed the schema: every step that can run does, and a step that
 * meets a malformed part (a TypeError on a missing section or a value of the wrong type) leaves
 * it as written. Only the rules read the result, through the guarded view, which skips the
 * rules that read what failed; the model is never built from it.
 */
export function normalizeSpecPartially(data: unknown): WrittenSpec {
  const s = structuredClone(data) as WrittenSpec;
  const attempt = <T>(step: (x: T) => void, x: T): void => {
    try {
      step(x);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
    }
  };
  for (const step of SPEC_STEPS) attempt(step, s);
  for (const p of Array.isArray(s.platforms) ? s.platforms : []) for (const step of PLATFORM_STEPS) attempt(step, p);
  for (const w of Array.isArray(s.workloads) ? s.workloads : []) for (const step of WORKLOAD_STEPS) attempt(step, w);
  return s;
}
