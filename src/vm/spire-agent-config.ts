/**
 * The SPIRE agent's config (v1.15), emitted as JSON: SPIRE parses its config with HCL v1, which
 * reads JSON natively, and the spire chart renders server.conf the same way (spire-otel.md §2.2,
 * "rendered as JSON"). JSON has no interpolation, and the agent never runs with -expandEnv, so no
 * value is ever expanded. Field names: spiffe/spire doc/spire_agent.md and conf/agent/agent_full.conf
 * at v1.15.3; plugin_data keys: doc/plugin_agent_*.md.
 */
import type { Attestation, Model, Placement, WorkloadModel } from '../model/model.js';
import { attestorSecretPath } from './agent-fetches.js';
import { SDS_SOCKET, SPIRE_PATHS } from './paths.js';
import { platformOf } from './platform-of.js';

/**
 * Health listener port on 127.0.0.1 (the default is port 80 on localhost, agent_full.conf
 * health_checks). 8088 is the value of spire-otel.md §5's VM skeleton; loopback only.
 */
export const SPIRE_HEALTH_PORT = 8088;

/**
 * The agent-side NodeAttestor plugin_data for each attestation (doc/plugin_agent_nodeattestor_*.md):
 * aws_iid and gcp_iit need nothing (IMDS / metadata.google.internal defaults); azure_imds requires
 * tenant_domain; x509pop takes the key, certificate and optional intermediates paths; join_token
 * has no plugin_data, its token goes to agent.join_token_file.
 */
function nodeAttestor(attestation: Attestation): { name: string; data: Record<string, unknown> } {
  switch (attestation.type) {
    case 'aws_iid':
      return { name: 'aws_iid', data: {} };
    case 'gcp_iit':
      return { name: 'gcp_iit', data: {} };
    case 'azure_imds':
      return { name: 'azure_imds', data: { tenant_domain: attestation.tenantDomain } };
    case 'x509pop':
      return {
        name: 'x509pop',
        data: {
          private_key_path: attestorSecretPath(attestation)!,
          certificate_path: attestation.certificatePath,
          ...(attestation.intermediatesPath !== undefined ? { intermediates_path: attestation.intermediatesPath } : {}),
        },
      };
    case 'join_token':
      return { name: 'join_token', data: {} };
  }
}

/**
 * The bootstrap bundle source: the embedded file (trust_bundle_path) or the HTTPS URL the agent
 * fetches itself (trust_bundle_url, which spire_agent.md requires to be https with a Web-PKI
 * certificate), plus trust_bundle_format. insecure_bootstrap is never written, not even as false.
 */
function bundleSource(model: Model): Record<string, string> {
  const bundle = model.trust.spireBundle;
  const source: Record<string, string> =
    bundle.kind === 'inline' ? { trust_bundle_path: SPIRE_PATHS.bootstrapBundle[bundle.format] } : { trust_bundle_url: bundle.url };
  return { ...source, trust_bundle_format: bundle.format };
}

/** Sorts object keys recursively so the JSON text is canonical (architecture guide §4: sorted keys where order has no meaning). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Builds the agent config for one workload on one platform. server_address is the east-west
 * gateway (a DNS name stays a name: SPIRE dials `dns:///host:port`, run.go), server_port its
 * `spire` port role; the socket is Istio's SDS path; KeyManager disk in the persistent data_dir,
 * since cloud attestors are trust-on-first-use (spire-otel.md §1.3, §1.4).
 */
export function buildSpireAgentConfig(model: Model, _workload: WorkloadModel, placement: Placement): Record<string, unknown> {
  const platform = platformOf(model, placement);
  const attestor = nodeAttestor(platform.attestation);
  const agent: Record<string, unknown> = {
    data_dir: SPIRE_PATHS.dataDir,
    log_level: 'INFO',
    server_address: model.gateway.address,
    server_port: model.gateway.ports.spire,
    socket_path: SDS_SOCKET,
    trust_domain: model.mesh.trustDomain,
    rebootstrap_mode: model.spire.rebootstrapMode,
    ...bundleSource(model),
  };
  if (platform.attestation.type === 'join_token') agent.join_token_file = attestorSecretPath(platform.attestation)!;
  return sortKeys({
    agent,
    plugins: {
      KeyManager: { disk: { plugin_data: { directory: SPIRE_PATHS.dataDir } } },
      NodeAttestor: { [attestor.name]: { plugin_data: attestor.data } },
      WorkloadAttestor: { unix: { plugin_data: {} } },
    },
    health_checks: {
      listener_enabled: true,
      bind_address: '127.0.0.1',
      // agent_full.conf writes the port as a string (`bind_port = "80"`).
      bind_port: String(SPIRE_HEALTH_PORT),
      live_path: '/live',
      ready_path: '/ready',
    },
  }) as Record<string, unknown>;
}

/** Renders agent.conf as JSON text (no comment header: JSON has no comments, and SPIRE rejects unknown keys). */
export function renderSpireAgentConfig(model: Model, workload: WorkloadModel, placement: Placement): string {
  return `${JSON.stringify(buildSpireAgentConfig(model, workload, placement), null, 2)}\n`;
}

/**
 * Finds spec values that would put `${` into the agent config. JSON is never expanded and the agent
 * never runs with -expandEnv, but a `${` would turn into a live reference the day someone adds
 * -expandEnv (the spire-agent@.service example does), so the project refuses it (architecture
 * guide §4). Only the x509pop paths can hold one: the other strings have patterns without `$`.
 */
export function findSpireExpansionHazards(model: Model, placement: Placement): Array<{ pointer: string; value: string }> {
  const platform = platformOf(model, placement);
  const a = platform.attestation;
  if (a.type !== 'x509pop') return [];
  const fields: Array<[string, string | undefined]> = [
    ['certificatePath', a.certificatePath],
    ['intermediatesPath', a.intermediatesPath],
  ];
  return fields.flatMap(([key, value]) => (value?.includes('${') ? [{ pointer: `${platform.pointer}/x509pop/${key}`, value }] : []));
}
