/**
 * A small valid spec as a plain object, for table tests: each case applies one mutation and
 * states the findings it expects. Files come from an in-memory files-dir.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { memoryFileSource } from '../../src/spec/files.js';
import { validateSpec, type ValidationResult } from '../../src/spec/validate-spec.js';
import { GOLDEN_FILES } from '../helpers/golden-cases.js';

/** Returns a fresh valid spec object (istio flavor, one AWS and one on-prem platform). */
export function baseSpec(): Record<string, any> {
  return {
    apiVersion: 'vmonboard/v1alpha1',
    kind: 'OnboardingSpec',
    metadata: { name: 'table' },
    mesh: { flavor: 'istio', istio: { version: '1.27.1' }, trustDomain: 'example.org', clusterName: 'cluster1', network: 'network1', vmNetwork: 'vm-network', podCIDRs: ['10.244.0.0/16'] },
    eastWestGateway: { address: '203.0.113.10', exposure: { sourceRanges: ['10.0.0.0/8'] } },
    trust: { meshRootCA: { file: 'root.pem' }, spireBundle: { file: 'bundle.pem' } },
    spire: { server: { aws: { irsaRoleArn: 'arn:aws:iam::123456789012:role/spire-server' } } },
    platforms: [
      { name: 'aws-prod', kind: 'aws', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04'], arch: ['amd64'] }, aws: { accountIds: ['123456789012'], regions: ['us-east-1'] } },
      { name: 'dc1', kind: 'onprem', delivery: 'shell', targets: { os: ['debian-12'], arch: ['amd64'] }, x509pop: { caBundle: { file: 'hosts-ca.pem' }, certificatePath: '/etc/pki/host.crt', privateKey: 'file:///etc/pki/host.key' } },
    ],
    workloads: [
      {
        name: 'ratings',
        namespace: 'bookinfo',
        ports: [{ name: 'http', number: 9080 }],
        platforms: [
          { name: 'aws-prod', selectors: { aws: { tags: { app: 'ratings' }, securityGroupId: 'sg-0123456789abcdef0' } } },
          { name: 'dc1', selectors: { x509pop: { subjectCN: 'ratings.dc1' } } },
        ],
      },
    ],
  };
}

const cert = readFileSync(join(GOLDEN_FILES, 'mesh-root-ca.pem'), 'utf8');
/** The in-memory files-dir the base spec references. */
export const FILES: Record<string, string> = { 'root.pem': cert, 'bundle.pem': cert, 'hosts-ca.pem': cert };

/** Validates a spec object (dumped to YAML) without a lock file. */
export function check(spec: unknown, files: Record<string, string> = FILES): ValidationResult {
  return validateSpec({ text: jsYaml.dump(spec), file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: memoryFileSource(files), ignoreLock: true });
}

/** The (code, pointer) pairs of a result, for compact assertions. */
export function findings(r: ValidationResult): Array<[string, string]> {
  return r.diagnostics.map((d) => [d.code, d.pointer]);
}
