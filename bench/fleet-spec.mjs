// Builds a fleet spec: N workloads, each on 4 platforms (aws, gcp, azure, onprem), with its
// files-dir and a sample lock, in a directory of its own. Used by the fleet benchmark.
import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import jsYaml from 'js-yaml';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Writes <dir>/fleet.yaml (+ fleet.lock.yaml, files) with `n` workloads; returns the spec path.
 * `api` is the vmonboard build whose validateSpecFile pins the lock (default: this checkout's dist/).
 */
export async function writeFleetSpec(dir, n, { api = join(ROOT, 'dist/src/api.js') } = {}) {
  mkdirSync(join(dir, 'files'), { recursive: true });
  for (const f of ['mesh-root-ca.pem', 'onprem-host-ca.pem']) copyFileSync(join(ROOT, 'examples/files', f), join(dir, 'files', f));
  const spec = {
    apiVersion: 'vmonboard/v1alpha1',
    kind: 'OnboardingSpec',
    metadata: { name: `fleet-${n}` },
    mesh: { flavor: 'istio', istio: { version: '1.27.1', revision: '1-27' }, trustDomain: 'example.org', clusterName: 'cluster1', network: 'network1', vmNetwork: 'vm-network', podCIDRs: ['10.244.0.0/16'] },
    eastWestGateway: { address: '203.0.113.10', exposure: { sourceRanges: ['198.51.100.0/24'] } },
    trust: { meshRootCA: { file: 'files/mesh-root-ca.pem' } }, // spireBundle absent = the mesh root (main removed examples/files/spire-bundle.pem)
    // aws_iid and azure_imds query the cloud APIs from the SPIRE server (SPIRE_SERVER_CREDENTIALS_MISSING).
    spire: { server: { aws: { irsaRoleArn: 'arn:aws:iam::123456789012:role/spire-server' }, azure: { workloadIdentityClientId: '3c1e2f4a-5555-4b6c-9d7e-8f9a0b1c2d3e' } } },
    telemetry: { gateway: { host: 'otel-gateway.observability.svc.cluster.local' } },
    platforms: [
      { name: 'aws-prod', kind: 'aws', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04'], arch: ['amd64'] }, aws: { accountIds: ['123456789012'], regions: ['us-east-1'] } },
      { name: 'gcp-prod', kind: 'gcp', delivery: 'startup-script', targets: { os: ['debian-12'], arch: ['amd64'] }, gcp: { projectIds: ['fleet-project'] } },
      { name: 'azure-prod', kind: 'azure', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04'], arch: ['amd64'] }, azure: { tenantId: '8d5a4a9c-1111-4c2e-9a35-0c1f2b3d4e5f', tenantDomain: 'contoso.onmicrosoft.com', subscriptions: ['5f3b1d2c-2222-4a4b-8c8d-9e0f1a2b3c4d'] } },
      { name: 'dc1', kind: 'onprem', delivery: 'shell', targets: { os: ['debian-12'], arch: ['amd64'] }, x509pop: { caBundle: { file: 'files/onprem-host-ca.pem' }, certificatePath: '/etc/pki/host.crt', privateKey: 'file:///etc/pki/host.key' } },
    ],
    workloads: Array.from({ length: n }, (_, i) => ({
      name: `app-${i}`,
      namespace: `team-${i % 50}`,
      ports: [{ name: 'http', number: 8080, protocol: 'HTTP' }],
      probe: { httpGet: { path: '/healthz', port: 8080 } },
      platforms: [
        { name: 'aws-prod', selectors: { aws: { tags: { app: `app-${i}` }, iamRole: `arn:aws:iam::123456789012:role/app-${i}` } } },
        { name: 'gcp-prod', selectors: { gcp: { serviceAccount: `app-${i}@fleet-project.iam.gserviceaccount.com` } } },
        { name: 'azure-prod', selectors: { azure: { tags: { app: `app-${i}` } } } },
        { name: 'dc1', selectors: { x509pop: { subjectCN: `app-${i}.dc1.example.org` } } },
      ],
    })),
  };
  const specPath = join(dir, 'fleet.yaml');
  writeFileSync(specPath, jsYaml.dump(spec, { lineWidth: -1 }));
  const { validateSpecFile } = await import(api);
  const r = await validateSpecFile(specPath, { ignoreLock: true });
  if (!r.model) throw new Error(`fleet spec invalid: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  const artifacts = r.model.artifacts.pins.map((p) => ({ ...p, sha256: createHash('sha256').update(p.url).digest('hex') }));
  writeFileSync(join(dir, 'fleet.lock.yaml'), jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts }, { forceQuotes: true }));
  return specPath;
}
