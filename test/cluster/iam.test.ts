/**
 * cluster/iam/: every document parses as JSON and names only the permissions the chosen
 * attestors and secret stores need (doc/plugin_server_nodeattestor_{aws_iid,gcp_iit}.md,
 * azure_imds reading through Resource Graph), and the README covers exactly the documents.
 */
import { describe, expect, it } from 'vitest';
import { goldenCases, goldenModel } from '../helpers/golden-cases.js';
import { buildIamDocuments, AZURE_READER_ROLE } from '../../src/cluster/iam.js';
import { renderIamReadme } from '../../src/cluster/iam-readme.js';
import type { Model, PlatformModel } from '../../src/model/model.js';
import { renderedCase } from './cluster-fixtures.js';

const cases = goldenCases().filter((n) => !n.startsWith('gloo'));

/** Every permission a document grants: AWS actions, GCP permissions, Azure (data) actions or roles. */
function grants(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (['Action', 'includedPermissions', 'DataActions', 'Actions'].includes(k)) out.push(...(Array.isArray(x) ? x : [x]).map(String));
      else if (k === 'roleDefinitionId') out.push(`role:${String(x).split('/').pop()}`);
      else walk(x);
    }
  };
  walk(body);
  return [...new Set(out)].sort();
}

const EXPECTED: Record<string, { files: string[]; grants: string[] }> = {
  'aws-bake': { files: ['aws-spire-server-policy.json'], grants: ['ec2:DescribeInstances', 'iam:GetInstanceProfile'] },
  'aws-cloudinit': { files: ['aws-attestation-role-trust.json', 'aws-spire-server-assume-policy.json', 'aws-spire-server-policy.json'], grants: ['ec2:DescribeInstances', 'iam:GetInstanceProfile', 'sts:AssumeRole'] },
  'azure-cloudinit': { files: ['azure-federated-credential-0b1c2d3e-3333-4f5a-9b8c-7d6e5f4a3b2c.json', 'azure-spire-server-role-assignments.json'], grants: [`role:${AZURE_READER_ROLE.split('/').pop()!}`] },
  'baremetal-jointoken': { files: [], grants: [] },
  'crds-registration': {
    files: ['aws-attestation-role-trust.json', 'aws-org-role-policy.json', 'aws-org-role-trust.json', 'aws-spire-server-assume-policy.json', 'aws-spire-server-policy.json', 'gcp-spire-server-role.json'],
    grants: ['compute.instances.get', 'ec2:DescribeInstances', 'iam:GetInstanceProfile', 'organizations:ListAccounts', 'sts:AssumeRole'],
  },
  'gcp-startup-script': { files: ['gcp-spire-server-role.json'], grants: ['compute.instances.get'] },
  'onprem-x509pop': { files: [], grants: [] },
};

describe.each(cases)('golden case %s', (name) => {
  it('writes IAM documents that parse and grant only what its attestors need', async () => {
    const { bundle } = await renderedCase(name);
    const files = [...bundle.keys()].filter((p) => p.startsWith('cluster/iam/') && p.endsWith('.json'));
    const want = EXPECTED[name];
    expect(want, `add ${name} to EXPECTED`).toBeDefined();
    expect(files.map((f) => f.slice('cluster/iam/'.length)).sort()).toEqual(want!.files);
    const all = files.flatMap((f) => grants(JSON.parse(bundle.get(f)!.content as string)));
    expect([...new Set(all)].sort()).toEqual(want!.grants);
    expect(all.some((g) => g.includes('*'))).toBe(false);
  });

  it('documents every IAM file in iam/README.md', async () => {
    const { bundle } = await renderedCase(name);
    const readme = bundle.get('cluster/iam/README.md')!.content as string;
    for (const f of [...bundle.keys()].filter((p) => p.startsWith('cluster/iam/') && p.endsWith('.json'))) expect(readme).toContain(`## ${f.slice('cluster/iam/'.length)}`);
    if (EXPECTED[name]!.files.length === 0) expect(readme).toContain('No cloud permissions are needed');
  });
});

/** A model whose platform fetches its secret from a cloud store (the VM-side rules decide where that is allowed). */
function withSecret(model: Model, kind: PlatformModel['kind'], token: Extract<PlatformModel['attestation'], { type: 'join_token' }>['token']): Model {
  const m = structuredClone(model);
  m.platforms = [{ ...m.platforms[0]!, name: 'vault', kind, attestation: { type: 'join_token', token } }];
  return m;
}

describe('secret stores', () => {
  it('an aws-ssm reference gets an instance-role policy for exactly that parameter', async () => {
    const m = withSecret(await goldenModel('baremetal-jointoken'), 'aws', { scheme: 'aws-ssm', uri: 'aws-ssm:///vmonboard/join?region=eu-west-1', name: '/vmonboard/join', region: 'eu-west-1' });
    const docs = buildIamDocuments(m);
    expect(docs.map((d) => d.file)).toEqual(['aws-instance-role-vault.json']);
    expect(docs[0]!.body).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'ReadSsmParameters', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: ['arn:aws:ssm:eu-west-1:*:parameter/vmonboard/join'] }] });
  });

  it('a Secrets Manager reference gets GetSecretValue only; GCP and Azure stores get their read permission only', async () => {
    const base = await goldenModel('baremetal-jointoken');
    expect(grants(buildIamDocuments(withSecret(base, 'aws', { scheme: 'aws-secretsmanager', uri: 'aws-secretsmanager://join', id: 'join' }))[0]!.body)).toEqual(['secretsmanager:GetSecretValue']);
    expect(grants(buildIamDocuments(withSecret(base, 'gcp', { scheme: 'gcp-secretmanager', uri: 'x', project: 'p-12345', secret: 's', version: 'latest' }))[0]!.body)).toEqual(['secretmanager.versions.access']);
    expect(grants(buildIamDocuments(withSecret(base, 'azure', { scheme: 'azure-keyvault', uri: 'x', vault: 'kv1', name: 's' }))[0]!.body)).toEqual(['Microsoft.KeyVault/vaults/secrets/getSecret/action']);
  });

  it('a file reference needs no cloud permission', async () => {
    const m = withSecret(await goldenModel('baremetal-jointoken'), 'aws', { scheme: 'file', uri: 'file:///etc/vmonboard/join-token', path: '/etc/vmonboard/join-token' });
    expect(buildIamDocuments(m)).toEqual([]);
    expect(renderIamReadme(m, [])).toContain('No cloud permissions are needed');
  });
});
