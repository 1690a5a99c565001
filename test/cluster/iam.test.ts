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

/**
 * The permissions a model's attestors need, from the SPIRE server plugin docs: aws_iid
 * ec2:DescribeInstances + iam:GetInstanceProfile, sts:AssumeRole for assume_role or
 * verify_organization, organizations:ListAccounts for verify_organization; gcp_iit
 * compute.instances.get only with label selectors; azure_imds read access (Reader).
 */
function neededGrants(model: Model): string[] {
  const out = new Set<string>();
  for (const p of model.platforms) {
    const a = p.attestation;
    if (a.type === 'aws_iid') {
      out.add('ec2:DescribeInstances').add('iam:GetInstanceProfile');
      if (a.assumeRole || a.verifyOrganization) out.add('sts:AssumeRole');
      if (a.verifyOrganization) out.add('organizations:ListAccounts');
    }
    if (a.type === 'gcp_iit' && model.workloads.some((w) => w.placements.some((pl) => pl.platform === p.name && Object.keys(pl.selectors.gcp?.labels ?? {}).length > 0))) out.add('compute.instances.get');
    if (a.type === 'azure_imds') out.add(`role:${AZURE_READER_ROLE.split('/').pop()!}`);
  }
  // The trust policy of the server's own role: IRSA federates the ServiceAccount token; Pod Identity lets EKS assume and tag (EKS user guide).
  const aws = model.platforms.some((p) => p.attestation.type === 'aws_iid');
  if (aws && model.spire.server.aws?.kind === 'irsa') out.add('sts:AssumeRoleWithWebIdentity');
  if (aws && model.spire.server.aws?.kind === 'pod-identity') out.add('sts:AssumeRole').add('sts:TagSession');
  return [...out].sort();
}

/** Exact file lists for two cases, as spot checks of the layout. */
const FILES: Record<string, string[]> = {
  'aws-bake': ['aws-spire-server-policy.json', 'aws-spire-server-trust.json'],
  'crds-registration': ['aws-attestation-role-trust.json', 'aws-org-role-policy.json', 'aws-org-role-trust.json', 'aws-spire-server-assume-policy.json', 'aws-spire-server-policy.json', 'aws-spire-server-trust.json', 'gcp-spire-server-role.json'],
  'onprem-x509pop': [],
};

describe.each(cases)('golden case %s', (name) => {
  it('writes IAM documents that parse and grant exactly what its attestors need', async () => {
    const { bundle, model } = await renderedCase(name);
    const files = [...bundle.keys()].filter((p) => p.startsWith('cluster/iam/') && p.endsWith('.json'));
    if (FILES[name]) expect(files.map((f) => f.slice('cluster/iam/'.length)).sort()).toEqual(FILES[name]);
    const all = files.flatMap((f) => grants(JSON.parse(bundle.get(f)!.content as string)));
    expect([...new Set(all)].sort()).toEqual(neededGrants(model));
    expect(all.some((g) => g.includes('*'))).toBe(false);
  });

  it('iam/README.md explains exactly the placeholders its documents and commands use (no unused one)', async () => {
    const { bundle } = await renderedCase(name);
    const files = [...bundle.keys()].filter((k) => k.startsWith('cluster/iam/'));
    const readme = bundle.get('cluster/iam/README.md')!.content as string;
    const [intro, ...sections] = readme.split('\n## ');
    const explained = [...intro!.matchAll(/^- `(<[A-Z0-9_]+>)`:/gm)].map((m) => m[1]!);
    const used = new Set<string>();
    for (const t of [...sections, ...files.filter((f) => f.endsWith('.json')).map((f) => bundle.get(f)!.content as string)]) for (const m of t.matchAll(/<[A-Z][A-Z0-9_]*>/g)) used.add(m[0]);
    expect(explained.sort()).toEqual([...used].sort());
  });

  it('documents every IAM file in iam/README.md', async () => {
    const { bundle } = await renderedCase(name);
    const readme = bundle.get('cluster/iam/README.md')!.content as string;
    const files = [...bundle.keys()].filter((p) => p.startsWith('cluster/iam/') && p.endsWith('.json'));
    for (const f of files) expect(readme).toContain(`## ${f.slice('cluster/iam/'.length)}`);
    if (files.length === 0) expect(readme).toContain('No cloud permissions are needed');
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
