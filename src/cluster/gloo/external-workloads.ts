/**
 * One Gloo ExternalWorkload (networking.gloo.solo.io/v2alpha1) per workload, created in the
 * workload cluster (gloo-vm-facts.md §1.3; CRD ../shared/upstream/gloo/externalworkloads.crd.yaml,
 * chart 2.14.0). Shape as in the workshop and the API reference (mesh-onboarding.md §1.4):
 * - `connectedClusters: {<cluster>: <namespace>}`: "within a cluster, only a single namespace can
 *   be used to register the external workload";
 * - `identitySelector`: which attested VMs may take the identity. Join-token platforms select with
 *   `joinToken.enable: true`, the form every tested version uses (§1.3). The aws/gcp/azure
 *   selectors exist on the cluster side, but the VM side cannot attest with them (no documented
 *   `--attestor` value besides `token`), so a spec that would need them is rejected by the rules
 *   (GLOO_UNSUPPORTED) and never reaches this code; reaching it anyway is reported, not guessed;
 * - `ports` with the CRD's protocol names (HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS);
 * - `readinessProbe`: httpGet, tcpSocket or exec (the CRD has no grpc handler: GLOO_GRPC_PROBE).
 */
import type { Model, PlatformModel, Probe, WorkloadModel } from '../../model/model.js';

/** The values our chart lays out as one ExternalWorkload (charts/vmonboard-mesh externalWorkloads[]). */
export interface ExternalWorkloadValues {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  connectedClusters: Record<string, string>;
  identitySelector: { joinToken: { enable: true } };
  ports: Array<{ name: string; number: number; protocol: string }>;
  readinessProbe?: Record<string, unknown>;
}

/** Attestations whose VMs the Gloo payload can onboard (`meshctl ew onboard --attestor token`; gloo-vm-facts.md §1.3). */
export const GLOO_VM_ATTESTATIONS: ReadonlyArray<PlatformModel['attestation']['type']> = ['join_token'];

/** Converts the model probe to ExternalWorkload.spec.readinessProbe (CRD fields; no grpc). */
function toReadinessProbe(p: Probe): Record<string, unknown> {
  if (p.grpc) throw new Error('an ExternalWorkload has no grpc probe (GLOO_GRPC_PROBE should have rejected the spec)');
  return {
    ...(p.httpGet ? { httpGet: { path: p.httpGet.path, port: p.httpGet.port, scheme: p.httpGet.scheme } } : {}),
    ...(p.tcpSocket ? { tcpSocket: { port: p.tcpSocket.port } } : {}),
    ...(p.exec ? { exec: { command: [...p.exec.command] } } : {}),
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold: p.successThreshold,
    failureThreshold: p.failureThreshold,
  };
}

/** Platforms of a workload whose attestation the Gloo payload cannot perform (empty for every valid spec). */
export function unsupportedPlacements(model: Model, w: WorkloadModel): PlatformModel[] {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  return w.placements.map((pl) => byName.get(pl.platform)!).filter((p) => !GLOO_VM_ATTESTATIONS.includes(p.attestation.type));
}

/** Builds the ExternalWorkload values of one workload. */
export function buildExternalWorkload(model: Model, w: WorkloadModel): ExternalWorkloadValues {
  return {
    name: w.name,
    namespace: w.namespace,
    labels: { ...w.labels },
    connectedClusters: { [model.mesh.clusterName]: w.namespace },
    identitySelector: { joinToken: { enable: true } },
    ports: w.ports.map((p) => ({ name: p.name, number: p.number, protocol: p.protocol })),
    ...(w.probe ? { readinessProbe: toReadinessProbe(w.probe) } : {}),
  };
}
