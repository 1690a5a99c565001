/**
 * What the payload must fetch on the VM before the agents start, because the bundle may not hold
 * it: secrets (a join token or an x509pop private key in a cloud secret store; architecture guide
 * §4, "referenced ... and fetched at boot, never embedded") and public trust material the spec
 * gives as an HTTPS URL instead of a file. listAgentFiles() emits no file for these; the configs
 * it emits already point at the vmPath given here.
 *
 * A `file://` secret reference needs no fetch: the agent config names the host's own path.
 */
import type { Attestation, Model, Placement, SecretRef, TrustSource, WorkloadModel } from '../model/model.js';
import type { AgentFile } from './agent-file.js';
import { ISTIO_PATHS, ISTIO_PROXY_USER, OTEL_PATHS, SPIRE_PATHS, VMONBOARD_PATHS } from './paths.js';
import { platformOf } from './platform-of.js';

/** One item the payload fetches at boot and places with owner, group and mode. */
export interface AgentFetch {
  agent: AgentFile['agent'];
  /** A secret (never logged, never written outside vmPath) or public trust material over HTTPS. */
  source: { kind: 'secret'; ref: SecretRef } | { kind: 'https'; url: string };
  vmPath: string;
  owner: string;
  group: string;
  mode: AgentFile['mode'];
  /** systemd units to restart when the fetched content changes. */
  restarts: string[];
}

/** Where the SPIRE agent reads a secret: the host's own path for file://, else vmonboard's secrets directory. */
export function secretVmPath(ref: SecretRef, fileName: string): string {
  return ref.scheme === 'file' ? ref.path : `${VMONBOARD_PATHS.secretsDir}/${fileName}`;
}

/** Secrets of a node attestor, with the file name each gets when fetched from a secret store. */
function attestorSecrets(attestation: Attestation): Array<{ ref: SecretRef; fileName: string }> {
  if (attestation.type === 'x509pop') return [{ ref: attestation.privateKey, fileName: 'x509pop-key.pem' }];
  if (attestation.type === 'join_token') return [{ ref: attestation.token, fileName: 'join-token' }];
  return [];
}

/** Returns the x509pop key or join token path the SPIRE agent config uses for this attestation, if any. */
export function attestorSecretPath(attestation: Attestation): string | undefined {
  const [secret] = attestorSecrets(attestation);
  return secret ? secretVmPath(secret.ref, secret.fileName) : undefined;
}

function httpsFetch(trust: TrustSource, agent: AgentFile['agent'], vmPath: string, owner: string, restarts: string[]): AgentFetch[] {
  if (trust.kind !== 'url') return [];
  return [{ agent, source: { kind: 'https', url: trust.url }, vmPath, owner, group: owner, mode: 0o644, restarts }];
}

/**
 * Lists what the payload fetches for one workload on one platform (flavor istio). The SPIRE trust
 * bundle is never in this list: as a URL it goes to the agent's own `trust_bundle_url`.
 */
export function listAgentFetches(model: Model, _workload: WorkloadModel, placement: Placement): AgentFetch[] {
  if (model.flavor !== 'istio') return [];
  const platform = platformOf(model, placement);
  const out: AgentFetch[] = [
    ...httpsFetch(model.trust.meshRootCA, 'istio', ISTIO_PATHS.rootCert, ISTIO_PROXY_USER, [ISTIO_PATHS.unit]),
  ];
  if (model.telemetry.enabled) out.push(...httpsFetch(model.telemetry.gateway.ca, 'otel', OTEL_PATHS.gatewayCA, 'root', [OTEL_PATHS.unit]));
  for (const { ref, fileName } of attestorSecrets(platform.attestation)) {
    if (ref.scheme === 'file') continue;
    out.push({
      agent: 'spire',
      source: { kind: 'secret', ref },
      vmPath: secretVmPath(ref, fileName),
      owner: 'root',
      group: 'root',
      mode: 0o600,
      restarts: [SPIRE_PATHS.unit],
    });
  }
  return out;
}
