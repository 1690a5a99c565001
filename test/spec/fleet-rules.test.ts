/**
 * Issue 16 table tests: every model change and new diagnostic with its code, JSON pointer, line
 * and hint. Expected lines are found in the dumped YAML text by a needle (the first line holding
 * it, after an optional anchor line), independently of our pointer locator.
 */
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { memoryFileSource } from '../../src/spec/files.js';
import { validateSpec, type ValidationResult } from '../../src/spec/validate-spec.js';
import { formatReportJson, formatReportText } from '../../src/diagnostics/printer.js';
import { findVmPayload, PayloadLookupError } from '../../src/userdata/render-user-data.js';
import { checkLaunchRegion } from '../../src/cloud/aws/launch-region.js';
import { listFirewallRules } from '../../src/bundle/firewall.js';
import { closestMatch } from '../../src/diagnostics/suggest.js';
import { baseSpec, FILES } from './spec-builder.js';

type Spec = Record<string, any>;
/** Where a finding must be: the line holding `needle` (after the line holding `after`). */
type At = { needle: string; after?: string };
type Want = { code: string; pointer: string; at: At; hint?: RegExp; message?: RegExp };
type Case = { name: string; mutate: (s: Spec) => void; want: Want[]; skipped?: string[] };

function run(spec: Spec): { r: ValidationResult; text: string } {
  const text = jsYaml.dump(spec, { lineWidth: -1 });
  return { r: validateSpec({ text, file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: memoryFileSource(FILES), ignoreLock: true }), text };
}

function lineOf(text: string, { needle, after }: At): number {
  const lines = text.split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  if (start < 0) throw new Error(`anchor ${after} not in the spec`);
  const i = lines.findIndex((l, k) => k >= start && l.includes(needle));
  if (i < 0) throw new Error(`needle ${needle} not in the spec`);
  return i + 1;
}

const perOs = [
  { os: 'amazonlinux-2023', arch: ['amd64'] },
  { os: 'ubuntu-24.04', arch: ['amd64', 'arm64'] },
];

const cases: Case[] = [
  // (1) outbound-only workloads
  { name: 'no ports at all is valid', mutate: (s) => delete s.workloads[0].ports, want: [] },
  { name: 'an empty port list is valid', mutate: (s) => (s.workloads[0].ports = []), want: [] },
  {
    name: 'probe on an outbound-only workload',
    mutate: (s) => { s.workloads[0].ports = []; s.workloads[0].probe = { tcpSocket: { port: 9080 } }; },
    want: [{ code: 'PROBE_PORT_UNDECLARED', pointer: '/workloads/0/probe/tcpSocket/port', at: { needle: 'port: 9080', after: 'tcpSocket' }, message: /it declares none/, hint: /add port 9080/ }],
  },
  // (3) per-OS targets
  { name: 'per-OS targets list', mutate: (s) => (s.platforms[0].targets = perOs), want: [] },
  {
    name: 'per-OS targets repeat an OS',
    mutate: (s) => (s.platforms[0].targets = [...perOs, { os: 'amazonlinux-2023', arch: ['arm64'] }]),
    want: [{ code: 'TARGET_OS_REPEATED', pointer: '/platforms/0/targets/2/os', at: { needle: 'os: amazonlinux-2023', after: '- os: ubuntu-24.04' }, message: /already listed in platforms\[0\]\.targets\[0\]/ }],
  },
  {
    name: 'per-OS entry without arch',
    mutate: (s) => (s.platforms[0].targets = [{ os: 'ubuntu-24.04' }]),
    want: [{ code: 'SCHEMA_REQUIRED', pointer: '/platforms/0/targets/0', at: { needle: '- os: ubuntu-24.04' }, message: /missing required field "arch"/ }],
    skipped: ['target-os-repeated'],
  },
  {
    name: 'targets neither a mapping nor a list',
    mutate: (s) => (s.platforms[0].targets = 'ubuntu-24.04'),
    want: [{ code: 'SCHEMA_TYPE', pointer: '/platforms/0/targets', at: { needle: 'targets: ubuntu-24.04' }, message: /must be a mapping or a list, not the string/ }],
    skipped: ['target-os-repeated'],
  },
  {
    name: 'object form whose cross product needs an rpm/arm64 sidecar',
    mutate: (s) => (s.platforms[0].targets = { os: ['amazonlinux-2023', 'ubuntu-24.04'], arch: ['amd64', 'arm64'] }),
    want: [{
      code: 'ARTIFACT_URL_UNKNOWN',
      pointer: '/platforms/0/targets',
      at: { needle: 'targets:', after: 'name: aws-prod' },
      message: /istio-sidecar 1\.27\.1 \(rpm, arm64\), which platform "aws-prod" needs for amazonlinux-2023 on arm64; set artifacts\.components\.istio-sidecar\.urls\["rpm\/arm64"\]/,
      hint: /^if amazonlinux-2023 does not run on arm64, list the targets per OS: targets: \[\{ os: amazonlinux-2023, arch: \[amd64\] \}, \{ os: ubuntu-24\.04, arch: \[amd64, arm64\] \}\]$/,
    }],
  },
  {
    name: 'per-OS entry asking for an rpm/arm64 sidecar',
    mutate: (s) => (s.platforms[0].targets = [{ os: 'rhel-9', arch: ['arm64'] }]),
    want: [{ code: 'ARTIFACT_URL_UNKNOWN', pointer: '/platforms/0/targets/0/arch', at: { needle: 'arch:', after: '- os: rhel-9' }, message: /needs for rhel-9 on arm64/, hint: /remove arm64 from its targets entry/ }],
  },
  // (4) one pass: schema errors and rule findings together
  {
    name: 'misspelled OS and a dangling platform reference in one run',
    mutate: (s) => { s.platforms[0].targets.os = ['rhel9']; s.workloads[0].platforms[1].name = 'dc-1'; },
    want: [
      { code: 'SCHEMA_ENUM', pointer: '/platforms/0/targets/os/0', at: { needle: '- rhel9' }, hint: /^did you mean "rhel-9"\?$/ },
      { code: 'PLATFORM_UNUSED', pointer: '/platforms/1/name', at: { needle: 'name: dc1' } },
      { code: 'UNKNOWN_PLATFORM', pointer: '/workloads/0/platforms/1/name', at: { needle: 'name: dc-1' }, hint: /^did you mean "dc1"\?$/ },
    ],
    // The oneOf of targets failed as a whole, so only the rule that reads every platform's targets is skipped.
    skipped: ['target-os-repeated'],
  },
  {
    name: 'a rule whose input failed is skipped, not guessed',
    mutate: (s) => { s.platforms[1].name = 'DC1'; s.workloads[0].ports.push({ name: 'http', number: 9081 }); },
    // unique-names reads every platform name, DC1 among them: it is skipped as a whole (its port
    // finding comes on the next run); rules that never read that name still report.
    want: [{ code: 'NAME_NOT_DNS1123', pointer: '/platforms/1/name', at: { needle: 'name: DC1' } }],
    skipped: ['unique-names', 'platform-unused', 'workload-placement'],
  },
  {
    name: 'a missing required field fails that field only',
    mutate: (s) => { delete s.workloads[0].namespace; s.workloads[0].platforms[0].name = 'aws-prd'; },
    want: [
      { code: 'PLATFORM_UNUSED', pointer: '/platforms/0/name', at: { needle: 'name: aws-prod' } },
      { code: 'SCHEMA_REQUIRED', pointer: '/workloads/0', at: { needle: '- name: ratings' }, message: /"namespace"/ },
      { code: 'UNKNOWN_PLATFORM', pointer: '/workloads/0/platforms/0/name', at: { needle: 'name: aws-prd' }, hint: /^did you mean "aws-prod"\?$/ },
    ],
    // A workload is named by (namespace, name) since issue 16 §2: unique-names reads the missing namespace.
    skipped: ['unique-names'],
  },
  {
    name: 'an unknown selector key is reported once, not also as a wrong selector kind',
    mutate: (s) => (s.workloads[0].platforms[0].selectors.awz = { tags: { app: 'x' } }),
    want: [{ code: 'SCHEMA_UNKNOWN_KEY', pointer: '/workloads/0/platforms/0/selectors/awz', at: { needle: 'awz:' } }],
  },
  // (5) did-you-mean on enum values
  {
    name: 'protocol in lowercase',
    mutate: (s) => (s.workloads[0].ports[0].protocol = 'tcp'),
    want: [{ code: 'SCHEMA_ENUM', pointer: '/workloads/0/ports/0/protocol', at: { needle: 'protocol: tcp' }, hint: /^did you mean "TCP"\?$/ }],
  },
  {
    name: 'per-OS os misspelled',
    mutate: (s) => (s.platforms[0].targets = [{ os: 'ubuntu-2404', arch: ['amd64'] }]),
    want: [{ code: 'SCHEMA_ENUM', pointer: '/platforms/0/targets/0/os', at: { needle: 'os: ubuntu-2404' }, hint: /^did you mean "ubuntu-24.04"\?$/ }],
    skipped: ['target-os-repeated'],
  },
  {
    name: 'an enum value far from every choice gets no guess',
    mutate: (s) => (s.platforms[0].kind = 'openstack'),
    want: [{ code: 'SCHEMA_ENUM', pointer: '/platforms/0/kind', at: { needle: 'kind: openstack' } }],
    skipped: ['platform-attestation', 'platform-delivery', 'spire-server-credentials', 'workload-placement'],
  },
  // (6) review warnings
  {
    name: 'a platform no workload uses',
    mutate: (s) => s.workloads[0].platforms.splice(1, 1),
    want: [{ code: 'PLATFORM_UNUSED', pointer: '/platforms/1/name', at: { needle: 'name: dc1' }, message: /"dc1" is not used by any workload/, hint: /remove it/ }],
  },
  {
    name: 'probe on an undeclared port',
    mutate: (s) => (s.workloads[0].probe = { httpGet: { port: 8080, path: '/healthz' } }),
    want: [{ code: 'PROBE_PORT_UNDECLARED', pointer: '/workloads/0/probe/httpGet/port', at: { needle: 'port: 8080' }, message: /\(declared: 9080\)/ }],
  },
  {
    name: 'a misspelled AWS region',
    mutate: (s) => (s.platforms[0].aws.regions = ['us-east-1', 'eu-wset-1']),
    want: [{ code: 'AWS_REGION_UNKNOWN', pointer: '/platforms/0/aws/regions/1', at: { needle: '- eu-wset-1' }, hint: /^did you mean "eu-west-1"\?$/ }],
  },
  {
    name: 'an AWS region from another partition is known',
    mutate: (s) => (s.platforms[0].aws.regions = ['us-gov-west-1', 'cn-north-1']),
    want: [],
  },
  {
    name: 'an Azure subscription written as a name',
    mutate: (s) => {
      s.platforms[0] = { name: 'aws-prod', kind: 'azure', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04'], arch: ['amd64'] }, azure: { tenantId: '8d5a4a9c-1111-4c2e-9a35-0c1f2b3d4e5f', tenantDomain: 'contoso.onmicrosoft.com', subscriptions: ['Production'] } };
      s.workloads[0].platforms[0].selectors = { azure: { tags: { app: 'ratings' } } };
      // azure_imds needs server credentials (main's spire-server-credentials rule), so only the ID is wrong.
      s.spire = { ...s.spire, server: { ...s.spire?.server, azure: { workloadIdentityClientId: '3c1e2f4a-5555-4b6c-9d7e-8f9a0b1c2d3e' } } };
    },
    want: [{ code: 'AZURE_ID_NOT_UUID', pointer: '/platforms/0/azure/subscriptions/0', at: { needle: '- Production' }, hint: /az account show --query id/ }],
  },
  {
    name: 'an Azure tenant written as a domain',
    mutate: (s) => {
      s.platforms[0] = { name: 'aws-prod', kind: 'azure', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04'], arch: ['amd64'] }, azure: { tenantId: 'contoso.onmicrosoft.com', tenantDomain: 'contoso.onmicrosoft.com', subscriptions: ['5f3b1d2c-2222-4a4b-8c8d-9e0f1a2b3c4d'] } };
      s.workloads[0].platforms[0].selectors = { azure: { tags: { app: 'ratings' } } };
      // azure_imds needs server credentials (main's spire-server-credentials rule), so only the ID is wrong.
      s.spire = { ...s.spire, server: { ...s.spire?.server, azure: { workloadIdentityClientId: '3c1e2f4a-5555-4b6c-9d7e-8f9a0b1c2d3e' } } };
    },
    want: [{ code: 'AZURE_ID_NOT_UUID', pointer: '/platforms/0/azure/tenantId', at: { needle: 'tenantId:' }, hint: /--query tenantId/ }],
  },
  // (7) messages in the user's words
  {
    name: 'a private key written as a path',
    mutate: (s) => (s.platforms[1].x509pop.privateKey = '/etc/pki/tls/private/host.key'),
    want: [{
      code: 'SECRET_INLINE',
      pointer: '/platforms/1/x509pop/privateKey',
      at: { needle: 'privateKey:' },
      message: /"\/etc\/pki\/tls\/private\/host\.key" looks like a file path on the host, but it must be a reference; write it as file:\/\/\/etc\/pki\/tls\/private\/host\.key$/,
      hint: /^privateKey: file:\/\/\/etc\/pki\/tls\/private\/host\.key$/,
    }],
  },
];

describe('issue 16 rules', () => {
  it.each(cases)('$name', ({ mutate, want, skipped }) => {
    const spec = baseSpec();
    mutate(spec);
    const { r, text } = run(spec);
    expect(r.diagnostics.map((d) => [d.code, d.pointer])).toEqual(want.map((w) => [w.code, w.pointer]));
    want.forEach((w, i) => {
      const d = r.diagnostics[i]!;
      expect(d.line, `${w.code} line`).toBe(lineOf(text, w.at));
      if (w.hint) expect(d.hint).toMatch(w.hint);
      else expect(d.hint === undefined || !/did you mean/.test(d.hint)).toBe(true);
      if (w.message) expect(d.message).toMatch(w.message);
      expect(d.message).toMatch(/^[a-z"`-]/);
    });
    expect(r.skippedRules).toEqual(skipped);
    if (want.every((w) => !['error'].includes(r.diagnostics.find((d) => d.code === w.code)?.severity ?? ''))) expect(r.model).toBeDefined();
  });

  it('never quotes an inline secret back', () => {
    const spec = baseSpec();
    spec.platforms[1].x509pop.privateKey = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
    const { r } = run(spec);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SECRET_INLINE']);
    expect(JSON.stringify(r.diagnostics)).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  });

  it('says in the summary line which checks were skipped, and carries hints and skipped checks in JSON', () => {
    const spec = baseSpec();
    spec.platforms[0].targets.os = ['rhel9'];
    spec.workloads[0].platforms[1].name = 'dc-1';
    const { r } = run(spec);
    const summary = formatReportText(r.diagnostics, r.sources, { skippedRules: r.skippedRules }).trimEnd().split('\n').at(-1)!;
    expect(summary).toBe('2 errors, 1 warning; 1 check skipped because its input failed the schema (target-os-repeated): fix the errors and run again for its findings');
    const json = JSON.parse(formatReportJson(r.diagnostics, false, r.skippedRules)) as { diagnostics: Array<{ code: string; hint: string | null }>; skippedRules: string[] };
    expect(json.skippedRules).toEqual(['target-os-repeated']);
    expect(json.diagnostics.find((d) => d.code === 'UNKNOWN_PLATFORM')!.hint).toBe('did you mean "dc1"?');
    // A valid spec reports no skipped checks, and its JSON keeps the old shape.
    const ok = run(baseSpec()).r;
    expect(ok.skippedRules).toBeUndefined();
    expect(Object.keys(JSON.parse(formatReportJson(ok.diagnostics, true, ok.skippedRules)) as object)).toEqual(['valid', 'diagnostics']);
    expect(formatReportText(ok.diagnostics, ok.sources, { skippedRules: ok.skippedRules })).toBe('0 errors, 0 warnings\n');
  });

  it('skips every rule when the whole document is malformed, without throwing', () => {
    const { r } = run({ apiVersion: 'vmonboard/v1alpha1', kind: 'OnboardingSpec', metadata: { name: 'x' }, mesh: 'istio', platforms: 'aws', workloads: [42, null, { name: 'w', platforms: 'p' }] });
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.every((d) => d.code.startsWith('SCHEMA_') || d.code === 'NAME_NOT_DNS1123')).toBe(true);
    expect(r.skippedRules).toEqual(expect.arrayContaining(['unique-names', 'workload-placement', 'trust-domain']));
  });

  it('keeps an unused platform out of the firewall table', () => {
    const spec = baseSpec();
    spec.workloads[0].platforms.splice(1, 1);
    const { r } = run(spec);
    expect(r.model).toBeDefined();
    const rows = listFirewallRules(r.model!);
    expect(rows.some((x) => x.appliesTo.includes('dc1'))).toBe(false);
    expect(rows.some((x) => x.appliesTo.includes('aws-prod'))).toBe(true);
  });
});

describe('did-you-mean on the command line', () => {
  const model = run(baseSpec()).r.model!;
  it.each([
    ['ratingz', 'aws-prod', /^the spec has no workload "ratingz" \(did you mean "ratings"\?\); workloads: ratings$/],
    ['ratings', 'aws-prd', /^the spec has no platform "aws-prd" \(did you mean "aws-prod"\?\); platforms: aws-prod, dc1$/],
    ['web', 'aws-prod', /^the spec has no workload "web"; workloads: ratings$/],
  ])('--workload %s --platform %s', (w, p, msg) => {
    expect(() => findVmPayload(model, new Map(), w, p)).toThrow(PayloadLookupError);
    expect(() => findVmPayload(model, new Map(), w, p)).toThrow(msg);
  });

  it('matches up to case and separators, and within two edits of longer names only', () => {
    expect(closestMatch('rhel9', ['rhel-9', 'debian-12'])).toBe('rhel-9');
    expect(closestMatch('tcp', ['HTTP', 'TCP', 'TLS'])).toBe('TCP');
    expect(closestMatch('gcp', ['aws', 'azure'])).toBeUndefined();
    expect(closestMatch('payments', ['payments'])).toBeUndefined();
  });
});

describe('aws launch-template --region', () => {
  const model = run(baseSpec()).r.model!;
  const aws = model.platforms[0]!;
  it('warns when the region is outside the platform regions, at the regions list', () => {
    expect(checkLaunchRegion(aws, 'us-east-1')).toEqual([]);
    expect(checkLaunchRegion(aws, undefined)).toEqual([]);
    const [d] = checkLaunchRegion(aws, 'eu-west-1');
    expect(d).toMatchObject({ severity: 'warning', code: 'LAUNCH_TEMPLATE_REGION_UNLISTED', pointer: '/platforms/0/aws/regions', hint: 'add eu-west-1 to platforms[].aws.regions of "aws-prod", or pass --region us-east-1' });
    expect(d!.message).toMatch(/^--region eu-west-1 is not one of the regions of platform "aws-prod" \(us-east-1\)/);
    expect(checkLaunchRegion(model.platforms[1]!, 'eu-west-1')).toEqual([]);
  });
});
