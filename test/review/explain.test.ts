/**
 * `vmonboard explain`: the quickstart's JSON validates against schemas/explain-v1 and names both
 * sidecar SPIFFE IDs, the AWS account and tag and the CreateTags risk of the tag-only selector;
 * the Markdown is a GFM table plus sections; filters and usage errors; risk notes for shared
 * selectors and secrets in shared directories; admission words per attestor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT, goldenCases, goldenModel } from '../helpers/golden-cases.js';
import { buildExplanation } from '../../src/explain/explanation.js';
import { variantOf } from '../vm/model-variants.js';

const QUICKSTART = join(PROJECT_ROOT, 'examples', 'quickstart.yaml');
const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'explain-v1', 'explain.schema.json'), 'utf8'));
const validate = new AjvModule.default({ allErrors: true, strict: true }).compile(schema);

/** Cells of a GFM table row: split on `|` outside code spans and not backslash-escaped. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  let tick = 0;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && tick === 0) {
      cur += c + (row[++i] ?? '');
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (row[i + n] === '`') n++;
      tick = tick === 0 ? n : tick === n ? 0 : tick;
      cur += '`'.repeat(n);
      i += n - 1;
      continue;
    }
    if (c === '|' && tick === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.slice(1, -1).map((s) => s.trim());
}

describe('explain on the quickstart', () => {
  it('JSON validates against its schema and names both sidecar IDs, the AWS account and tag, and the CreateTags risk', async () => {
    const r = await runInProcess(['explain', '--format', 'json', QUICKSTART]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    const ids = new Set(e.identities.map((i: { sidecarSpiffeId: string }) => i.sidecarSpiffeId));
    expect([...ids].sort()).toEqual(['spiffe://example.org/ns/bookinfo/sa/bookinfo-ratings', 'spiffe://example.org/ns/bookinfo/sa/bookinfo-reviews']);
    const aws = e.identities.find((i: { workload: string; platform: string }) => i.workload === 'ratings' && i.platform === 'aws-prod');
    expect(aws.admission).toBe('any EC2 instance in account 123456789012, region us-east-1, tagged app=ratings');
    expect(aws.nodeAliasId).toBe('spiffe://example.org/vmonboard/node/aws-prod/bookinfo/ratings');
    expect(aws.risks).toEqual([expect.objectContaining({ code: 'TAG_ONLY_SELECTOR', reason: expect.stringContaining('ec2:CreateTags'), alternative: expect.stringContaining('iamRole') })]);
    // reviews selects on an IAM role: not tag-only.
    expect(e.identities.find((i: { workload: string }) => i.workload === 'reviews').risks).toEqual([]);
    const azure = e.identities.find((i: { platform: string }) => i.platform === 'azure-prod');
    expect(azure.risks[0].reason).toContain('Microsoft.Compute/virtualMachines/write');
    expect(aws.needs.firewall.some((f: { port: number }) => f.port === 8081)).toBe(true);
    expect(aws.needs.iam.map((d: { permissions: string[] }) => d.permissions).flat()).toContain('ec2:DescribeInstances');
    expect(aws.needs.downloads.every((d: { url: string; sha256: string }) => d.url.startsWith('https://') && /^[0-9a-f]{64}$/.test(d.sha256))).toBe(true);
    expect(aws.offboard.script).toBe('cluster/offboard/bookinfo/ratings/aws-prod.sh');
  });

  it('the schema oracle rejects an unknown key and a wrong risk code', async () => {
    const e = JSON.parse((await runInProcess(['explain', '--format', 'json', QUICKSTART])).stdout);
    expect(validate({ ...e, extra: 1 })).toBe(false);
    e.identities[0].risks = [{ code: 'MADE_UP', reason: 'x', alternative: 'y' }];
    expect(validate(e)).toBe(false);
  });

  it('Markdown renders a table with one row per identity and five cells per row', async () => {
    const r = await runInProcess(['explain', '--format', 'markdown', QUICKSTART]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const head = lines.indexOf('| workload | platform | sidecar SPIFFE ID | who can claim it | risks |');
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe('|---|---|---|---|---|');
    const rows = lines.slice(head + 2, lines.indexOf('', head));
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(cells(row), row).toHaveLength(5);
    expect(rows[0]).toContain('TAG_ONLY_SELECTOR');
  });

  it('text names the identity and the plain-words admission; --workload/--platform filter; unknown names are usage errors', async () => {
    const r = await runInProcess(['explain', QUICKSTART, '--workload', 'ratings', '--platform', 'dc1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bookinfo/ratings on dc1 (onprem, x509pop)');
    expect(r.stdout).toMatch(/who can claim it: the host holding the private key of a certificate with CN ratings\.dc1\.example\.org issued by "[^"]*CN=Example on-prem host CA"/);
    expect(r.stdout).not.toContain('aws-prod');
    expect((await runInProcess(['explain', QUICKSTART, '--workload', 'nope'])).code).toBe(2);
    expect((await runInProcess(['explain', QUICKSTART, '--platform', 'nope'])).code).toBe(2);
  });

  it('--workload takes <namespace>/<name>; a plain name two namespaces have is WORKLOAD_AMBIGUOUS (exit 2)', async () => {
    const fleet = join(PROJECT_ROOT, 'examples', 'fleet.yaml');
    const plain = await runInProcess(['explain', fleet, '--workload', 'api']);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain('error[WORKLOAD_AMBIGUOUS]: workload "api" is in 2 namespaces (did you mean "payments/api" or "search/api"?)');
    const r = await runInProcess(['explain', fleet, '--workload', 'search/api', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { identities: Array<{ namespace: string; workload: string; platform: string; needs: { firewall: Array<{ appliesTo: string; direction: string }> } }> }).identities;
    expect(ids.map((i) => `${i.namespace}/${i.workload}@${i.platform}`)).toEqual(['search/api@aws-prod']);
    // Its inbound rows are its own, not payments/api's.
    expect(ids[0]!.needs.firewall.filter((f) => f.direction === 'inbound').map((f) => f.appliesTo)).toEqual(['search/api VMs', 'search/api VMs']);
  });

  it('an invalid spec exits 1 with the report on stderr and nothing on stdout', async () => {
    const r = await runInProcess(['explain', '--format', 'json', '-'], 'apiVersion: vmonboard/v1alpha1\nkind: OnboardingSpec\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('SCHEMA_REQUIRED');
  });
});

describe('explanations of every golden case', () => {
  it.each(goldenCases())('%s validates against the schema', async (name) => {
    expect(validate(JSON.parse(JSON.stringify(buildExplanation(await goldenModel(name))))), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('risk notes', () => {
  it('a selector shared by two workloads on one platform is a risk on both; a subset only on the wider alias', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      const w = m.workloads[0]!;
      const twin = structuredClone(w);
      twin.name = `${w.name}-twin`;
      twin.spiffeId = `${w.spiffeId}-twin`;
      twin.placements = [{ ...structuredClone(w.placements[0]!), nodeAliasId: `${w.placements[0]!.nodeAliasId}-twin` }];
      m.workloads.push(twin);
    });
    const e = buildExplanation(model);
    const first = e.identities.find((i) => i.workload === model.workloads[0]!.name)!;
    const twin = e.identities.find((i) => i.workload.endsWith('-twin'))!;
    expect(first.risks.map((r) => r.code)).toContain('SHARED_SELECTOR');
    expect(twin.risks.find((r) => r.code === 'SHARED_SELECTOR')?.reason).toContain('exactly the same selectors');
    const narrower = await variantOf('aws-cloudinit', (m) => {
      const w = m.workloads[0]!;
      const twin = structuredClone(w);
      twin.name = 'narrow';
      twin.spiffeId = `${w.spiffeId}-narrow`;
      twin.placements = [{ ...structuredClone(w.placements[0]!), spireSelectors: [...w.placements[0]!.spireSelectors, 'aws_iid:tag:tier:gold'].sort() }];
      m.workloads.push(twin);
    });
    const n = buildExplanation(narrower);
    expect(n.identities.find((i) => i.workload === narrower.workloads[0]!.name)!.risks.map((r) => r.code)).toContain('SHARED_SELECTOR');
    expect(n.identities.find((i) => i.workload === 'narrow')!.risks.map((r) => r.code)).not.toContain('SHARED_SELECTOR');
  });

  it('a join token in /tmp is a risk; one in /etc is not', async () => {
    const atTmp = await variantOf('baremetal-jointoken', (m) => {
      for (const p of m.platforms) if (p.attestation.type === 'join_token') p.attestation.token = { scheme: 'file', uri: 'file:///tmp/join-token', path: '/tmp/join-token' };
    });
    const risky = buildExplanation(atTmp).identities.find((i) => i.attestor === 'join_token')!;
    expect(risky.risks).toEqual([expect.objectContaining({ code: 'SECRET_IN_SHARED_DIRECTORY', reason: expect.stringContaining('/tmp/join-token') })]);
    expect(risky.admission).toContain('single-use join token');
    const fine = buildExplanation(await goldenModel('baremetal-jointoken')).identities.find((i) => i.attestor === 'join_token')!;
    expect(fine.risks.map((r) => r.code)).not.toContain('SECRET_IN_SHARED_DIRECTORY');
  });

  it('a public unrestricted gateway and plain-TLS telemetry are spec-wide risks', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.gateway.exposure = { sourceRanges: [], internal: false };
      m.telemetry.gateway.clientCertificate = 'none';
    });
    expect(buildExplanation(model).risks.map((r) => r.code)).toEqual(['PUBLIC_GATEWAY', 'TELEMETRY_PLAIN_TLS']);
  });

  it('GCP admission names the project and service account', async () => {
    const e = buildExplanation(await goldenModel('gcp-startup-script'));
    expect(e.identities[0]!.admission).toMatch(/^any GCE VM in projects? [^,]+, (running as service account \S+|labelled .+)/);
  });
});
