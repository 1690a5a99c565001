/**
 * Render-time findings of the cluster translator on spec variants: what the spire chart cannot
 * express is a located error instead of a guess in a config, and optional parts (telemetry, an
 * Azure app ID) leave no trace when absent. Flavor gloo renders nothing here yet.
 */
import { describe, expect, it } from 'vitest';
import { clusterFindings, lineMatching, renderVariant } from './spec-variants.js';
import { goldenBundle } from '../helpers/golden-cases.js';
import jsYaml from 'js-yaml';

describe('attestor settings the spire chart cannot express', () => {
  it('two AWS platforms with different assumeRole are a conflict located at the second one', async () => {
    const r = await renderVariant('crds-registration', (doc) => {
      const second = doc.getIn(['platforms', 0]) as { clone(): unknown };
      doc.addIn(['platforms'], second.clone());
      doc.setIn(['platforms', 3, 'name'], 'aws-dev');
      doc.setIn(['platforms', 3, 'aws', 'assumeRole'], 'other-role');
    });
    const found = clusterFindings(r);
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_ATTESTOR_CONFLICT', '/platforms/3/aws/assumeRole']]);
    expect(found[0]!.line).toBe(lineMatching(r.specText, /assumeRole: other-role/));
    expect(r.bundle).toBeUndefined();
  });

  it('verifyOrganization without assumeOrgRole is incomplete (SPIRE requires assume_org_role)', async () => {
    const r = await renderVariant('crds-registration', (doc) => {
      doc.deleteIn(['platforms', 0, 'aws', 'verifyOrganization', 'assumeOrgRole']);
    });
    expect(clusterFindings(r).map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_ATTESTOR_INCOMPLETE', '/platforms/0/aws/verifyOrganization']]);
  });

  it('several AWS accounts without assumeRole are incomplete: the server sees one account', async () => {
    const r = await renderVariant('crds-registration', (doc) => {
      doc.deleteIn(['platforms', 0, 'aws', 'assumeRole']);
    });
    const found = clusterFindings(r);
    expect(found.map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_ATTESTOR_INCOMPLETE', '/platforms/0/aws/accountIds']]);
    expect(found[0]!.line).toBe(lineMatching(r.specText, /accountIds:/));
  });

  it('assumeRole in GovCloud is unsupported: the chart cannot set the aws_iid partition', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => {
      doc.setIn(['platforms', 0, 'aws', 'regions'], ['us-gov-west-1']);
    });
    expect(clusterFindings(r).map((d) => d.code)).toEqual(['CLUSTER_UNSUPPORTED']);
  });

  it('an x509pop CA bundle by URL is unsupported: the chart takes the bundle inline', async () => {
    const r = await renderVariant('onprem-x509pop', (doc) => {
      doc.setIn(['platforms', 0, 'x509pop', 'caBundle'], { url: 'https://pki.example.com/host-ca.pem' });
    });
    expect(clusterFindings(r).map((d) => [d.code, d.pointer])).toEqual([['CLUSTER_UNSUPPORTED', '/platforms/0/x509pop/caBundle/url']]);
  });
});

describe('optional parts', () => {
  it('without telemetry there is no otlp port or route, and the artifacts stay consistent', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => {
      doc.delete('telemetry');
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const gw = jsYaml.load(r.bundle!.get('cluster/eastwest-gateway.values.yaml')!.content as string) as { service: { ports: Array<{ name: string }> } };
    expect(gw.service.ports.map((p) => p.name)).toEqual(['status-port', 'tls', 'tls-istiod', 'tls-webhook', 'tls-spire']);
    const mesh = jsYaml.load(r.bundle!.get('cluster/mesh-registration.values.yaml')!.content as string) as { eastWest: { passthrough: object } };
    expect(Object.keys(mesh.eastWest.passthrough)).toEqual(['spire']);
  });

  it('Azure without appId and without spire.server.azure is a located error with a hint (issue 13: the server needs credentials)', async () => {
    const r = await renderVariant('azure-cloudinit', (doc) => {
      doc.deleteIn(['platforms', 0, 'azure', 'appId']);
    });
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => [d.code, d.pointer])).toEqual([['SPIRE_SERVER_CREDENTIALS_MISSING', '/platforms/0/azure']]);
    expect(errs[0]!.line).toBe(lineMatching(r.specText, /^    azure:$/));
    expect(errs[0]!.hint).toMatch(/workloadIdentityClientId/);
    expect(r.bundle).toBeUndefined();
  });

  it('Azure with AKS workload identity uses the default credential chain: pod label, ServiceAccount annotation, federated credential; no token_auth', async () => {
    const r = await renderVariant('azure-cloudinit', (doc) => {
      doc.deleteIn(['platforms', 0, 'azure', 'appId']);
      doc.setIn(['spire'], doc.createNode({ server: { azure: { workloadIdentityClientId: '11111111-2222-4333-8444-555555555555' } } }));
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spire = r.bundle!.get('cluster/spire.values.yaml')!.content as string;
    const server = (jsYaml.load(spire) as Record<string, Record<string, unknown>>)['spire-server']!;
    expect(spire).not.toContain('token_auth');
    expect(spire).not.toContain('extraVolumes');
    expect(server.serviceAccount).toEqual({ annotations: { 'azure.workload.identity/client-id': '11111111-2222-4333-8444-555555555555' } });
    expect(server.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect([...r.bundle!.keys()].filter((p) => p.startsWith('cluster/iam/azure-')).sort()).toEqual(['cluster/iam/azure-spire-server-federated-credential.json', 'cluster/iam/azure-spire-server-role-assignments.json']);
    const fc = JSON.parse(r.bundle!.get('cluster/iam/azure-spire-server-federated-credential.json')!.content as string) as Record<string, unknown>;
    expect(fc.subject).toBe('system:serviceaccount:spire-server:spire-server');
    expect(fc.audiences).toEqual(['api://AzureADTokenExchange']);
  });

  it('AWS credentials from a Secret become extraEnv secretKeyRefs, never values; Pod Identity renders no annotation but an association command', async () => {
    const secret = await renderVariant('aws-cloudinit', (doc) => {
      doc.setIn(['spire', 'server', 'aws'], doc.createNode({ credentialsSecret: 'spire-aws' }));
    });
    expect(secret.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const server = (jsYaml.load(secret.bundle!.get('cluster/spire.values.yaml')!.content as string) as Record<string, Record<string, unknown>>)['spire-server']!;
    expect(server.extraEnv).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: 'spire-aws', key: k } } })));
    expect(server.serviceAccount).toBeUndefined();
    const pod = await renderVariant('aws-cloudinit', (doc) => {
      doc.setIn(['spire', 'server', 'aws'], doc.createNode({ podIdentity: true }));
    });
    const podServer = (jsYaml.load(pod.bundle!.get('cluster/spire.values.yaml')!.content as string) as Record<string, Record<string, unknown>>)['spire-server']!;
    expect(podServer.serviceAccount).toBeUndefined();
    const readme = pod.bundle!.get('cluster/iam/README.md')!.content as string;
    expect(readme).toContain('aws eks create-pod-identity-association --cluster-name');
    expect(readme).toContain('--namespace spire-server --service-account spire-server');
    const trust = JSON.parse(pod.bundle!.get('cluster/iam/aws-spire-server-trust.json')!.content as string) as { Statement: Array<Record<string, unknown>> };
    expect(trust.Statement[0]!.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
  });
});

describe('flavor gloo', () => {
  it('renders its own cluster/ files (src/cluster/gloo; checked in depth by test/gloo), no spire chart values', async () => {
    const files = [...(await goldenBundle('gloo-onprem')).keys()].filter((p) => p.startsWith('cluster/'));
    expect(files).toContain('cluster/gloo-platform.values.yaml');
    expect(files).not.toContain('cluster/spire.values.yaml');
  });
});
