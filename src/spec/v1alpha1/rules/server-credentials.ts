/**
 * The SPIRE server needs cloud credentials for cloud attestation. aws_iid "requires AWS
 * credentials" in the server to describe instances before it assumes `assume_role` per account
 * (spiffe/spire v1.15.3 doc/plugin_server_nodeattestor_aws_iid.md); azure_imds authenticates
 * with DefaultAzureCredential unless a tenant sets token_auth or secret_auth
 * (doc/plugin_server_nodeattestor_azure_imds.md "Authenticating to Azure"). Without them the tag
 * and role node aliases never match and those VMs get no SVID, so the spec must say where the
 * credentials come from. Flavor gloo is left out: its cloud attestation is unsupported anyway.
 */
import type { Rule } from './rule.js';

/** An aws or azure platform has matching spire.server credentials. */
export const serverCredentials: Rule = {
  name: 'spire-server-credentials',
  check({ spec, report }) {
    if (spec.mesh.flavor !== 'istio') return;
    const server = spec.spire?.server;
    spec.platforms.forEach((p, i) => {
      if (p.kind === 'aws' && p.aws && !p.joinToken && !server?.aws) {
        report('SPIRE_SERVER_CREDENTIALS_MISSING', `/platforms/${i}/aws`, `platform "${p.name}" attests with aws_iid, which calls the EC2 and IAM APIs from the SPIRE server, but the server has no AWS credentials; set spire.server.aws (irsaRoleArn, podIdentity or credentialsSecret)`, {
          atKey: true,
          hint: 'on EKS: spire.server.aws.irsaRoleArn: arn:aws:iam::<account>:role/spire-server; the rendered cluster/iam/README.md gives its trust policy',
        });
      }
      // token_auth (platform appId) is a credential of its own: the projected ServiceAccount token.
      if (p.kind === 'azure' && p.azure && !p.joinToken && !p.azure.appId && !server?.azure) {
        report('SPIRE_SERVER_CREDENTIALS_MISSING', `/platforms/${i}/azure`, `platform "${p.name}" attests with azure_imds, which queries Azure Resource Graph from the SPIRE server, but the server has no Azure credentials; set spire.server.azure (workloadIdentityClientId or credentialsSecret), or azure.appId for token_auth`, {
          atKey: true,
          hint: 'on AKS: spire.server.azure.workloadIdentityClientId: <client ID of a managed identity with Reader on the VM subscriptions>',
        });
      }
    });
  },
};
