/**
 * What the in-cluster OTel gateway must set so the VMs' client certificates mean something: its
 * OTLP gRPC receiver requires and verifies a client certificate against the mesh root CA.
 * configtls ServerConfig (opentelemetry-collector v0.159.0 config/configtls/config.schema.yaml):
 * `client_ca_file` "sets the ClientCAs and ClientAuth to RequireAndVerifyClientCert";
 * `client_ca_file_reload` reloads it when the file changes (a rotated root). The gateway's own
 * server certificate is the operator's (cert-manager, or a SPIRE SVID of the gateway pod), so its
 * paths are placeholders that fail at start until edited, like the IAM placeholders.
 * The receiver fragment is built as an object and serialized (architecture guide §4).
 */
import type { Model } from '../model/model.js';
import { dumpYaml } from '../render/yaml.js';

/** Where the gateway pod mounts the mesh root CA (a ConfigMap of the spec's meshRootCA; the operator's choice). */
export const GATEWAY_CLIENT_CA = '/etc/otelcol/mesh-root-ca.pem';

/** The OTLP receiver of the OTel gateway, requiring the VMs' SVIDs. */
export function buildGatewayReceiver(model: Model): Record<string, unknown> {
  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: {
            endpoint: `0.0.0.0:${model.telemetry.gateway.port}`,
            tls: {
              cert_file: '<OTEL_GATEWAY_SERVER_CERT_FILE>',
              key_file: '<OTEL_GATEWAY_SERVER_KEY_FILE>',
              client_ca_file: GATEWAY_CLIENT_CA,
              client_ca_file_reload: true,
            },
          },
        },
      },
    },
  };
}

/** The cluster README section, or nothing when the VMs do not present their SVID. */
export function otelGatewaySection(model: Model): string[] {
  if (model.flavor !== 'istio' || !model.telemetry.enabled) return [];
  const g = model.telemetry.gateway;
  if (g.clientCertificate === 'none') {
    return [
      '## OTel gateway',
      '',
      `The VM collectors send OTLP to \`${g.host}:${g.port}\` with server-only TLS (\`telemetry.gateway.clientCertificate: none\`):`,
      'anyone who reaches the gateway\'s otlp port can push data. Switch to `svid` and require client certificates.',
      '',
    ];
  }
  return [
    '## OTel gateway',
    '',
    `Each VM collector presents its SPIFFE X.509-SVID as TLS client certificate to \`${g.host}:${g.port}\`. Make the`,
    'gateway\'s OTLP receiver require and verify it against the mesh root CA, so only mesh VMs can push data:',
    '',
    '```yaml',
    dumpYaml(buildGatewayReceiver(model)).trimEnd(),
    '```',
    '',
    `Mount the mesh root CA (the spec's \`trust.meshRootCA\`) at \`${GATEWAY_CLIENT_CA}\`, and give the receiver a server`,
    `certificate for \`${g.sni}\` that chains to the CA the VMs trust (\`telemetry.gateway.ca\`, default the mesh root).`,
    'The client certificate\'s URI SAN is the VM workload\'s SPIFFE ID, for attribute processors that want it.',
    '',
  ];
}
