/**
 * Hostile specs: a valid base (the aws-cloudinit golden case plus an on-prem x509pop platform
 * with shell delivery and a GCE startup-script platform, one workload placed on all three) with
 * hostile strings in every free-form field. Each case also records the values it injected, so a
 * property can look for them, exactly, in every output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { GOLDEN_FILES } from '../helpers/golden-cases.js';
import { hostileNonEmpty, hostileString, hostileText, hostileUrlTail, REFUSED_CHARACTERS } from './hostile-strings.js';

/** The probe handler of a case: one of the three that carry free text. */
export type HostileProbe = { kind: 'httpGet'; path: string } | { kind: 'exec'; command: string[] } | { kind: 'grpc'; service: string };

/** Everything a case injected, by field. */
export interface HostileValues {
  description: string;
  workloadLabels: Record<string, string>;
  annotations: Record<string, string>;
  gatewayLabels: Record<string, string>;
  resourceAttributes: Record<string, string>;
  probe: HostileProbe;
  awsTags: Record<string, string>;
  securityGroupName?: string;
  subjectCN: string;
  certificatePath: string;
  intermediatesPath?: string;
  proxy: { http?: string; https?: string; noProxy: string[] };
  mirror?: string;
  sidecarDebUrl?: string;
  /** A DNS-named gateway makes the payload resolve it into the /etc/hosts block at boot. */
  gatewayDns: boolean;
}

/** One generated case: the values, where a refused character was planted (if anywhere), and the spec text. */
export interface HostileCase {
  values: HostileValues;
  /** JSON pointer of the string (or `#key`) that got a refused character, or undefined. */
  plantedAt?: string;
  /** The planted character's diagnostic code (REFUSED_CHARACTERS), with plantedAt. */
  refusedAs?: string;
  /** Serialization of the spec text: YAML (js-yaml) or JSON (also YAML). */
  format: 'yaml' | 'json';
  text: string;
}

/** The files-dir of the base spec (public certificates only). */
export const HOSTILE_FILES: Record<string, string> = Object.fromEntries(
  ['mesh-root-ca.pem', 'spire-bundle.pem', 'onprem-host-ca.pem'].map((f) => [f, readFileSync(join(GOLDEN_FILES, f), 'utf8')]),
);

/** Label and annotation keys have a grammar; these exercise prefixed, dotted and canonical-service keys. */
const LABEL_KEYS = ['app', 'version', 'tier', 'example.com/owner', 'app.kubernetes.io/name', 'service.istio.io/canonical-revision', 'a.b-c_d'];
const ATTRIBUTE_KEYS = ['deployment.environment', 'team', 'cost_center', 'x-y.z', '_private'];

const labels = (keys: string[], max: number): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(fc.constantFrom(...keys), hostileText, { maxKeys: max });

const probe: fc.Arbitrary<HostileProbe> = fc.oneof(
  hostileText.map((s) => ({ kind: 'httpGet' as const, path: `/${s}` })),
  fc.array(hostileText, { minLength: 1, maxLength: 4 }).map((command) => ({ kind: 'exec' as const, command })),
  hostileNonEmpty.map((service) => ({ kind: 'grpc' as const, service })),
);

/** AWS tag keys: any text but `:` (the selector separator the schema forbids). */
const tagKey = hostileNonEmpty.map((s) => s.replace(/:/g, '')).filter((s) => s.length > 0);

/** The fields of {@link HostileValues}, generated. */
export const hostileValues: fc.Arbitrary<HostileValues> = fc.record(
  {
    description: hostileText,
    workloadLabels: labels(LABEL_KEYS, 4),
    annotations: labels(LABEL_KEYS, 3),
    gatewayLabels: labels(['istio', 'example.com/gw'], 2),
    resourceAttributes: labels(ATTRIBUTE_KEYS, 3),
    probe,
    awsTags: fc.dictionary(tagKey, hostileString, { minKeys: 1, maxKeys: 2 }),
    // The schema gives security group names a character class (AWS's own) that still holds $ { } ; & * !.
    securityGroupName: fc.option(fc.stringMatching(/^[\w .:/()#,@[\]+=&;{}!$*-]{1,40}$/), { nil: undefined }),
    subjectCN: hostileNonEmpty.map((s) => s.replace(/[\r\n]/g, ' ')),
    certificatePath: hostileText.map((s) => `/${s}`),
    intermediatesPath: fc.option(hostileString.map((s) => `/etc/${s}`), { nil: undefined }),
    proxy: fc.record(
      {
        http: fc.option(hostileUrlTail.map((t) => `http://proxy.example.com:3128/${t}`), { nil: undefined }),
        https: fc.option(hostileUrlTail.map((t) => `https://proxy.example.com:3129/${t}`), { nil: undefined }),
        noProxy: fc.array(hostileNonEmpty, { maxLength: 3 }),
      },
      { requiredKeys: ['noProxy'] },
    ),
    mirror: fc.option(hostileUrlTail.map((t) => `https://mirror.example.com/${t}`), { nil: undefined }),
    sidecarDebUrl: fc.option(hostileUrlTail.map((t) => `https://downloads.example.com/${t}`), { nil: undefined }),
    gatewayDns: fc.boolean(),
  },
  { requiredKeys: ['description', 'workloadLabels', 'annotations', 'gatewayLabels', 'resourceAttributes', 'probe', 'awsTags', 'subjectCN', 'certificatePath', 'proxy', 'gatewayDns'] },
) as fc.Arbitrary<HostileValues>;

/** Builds the spec object of a case (no NUL yet). */
export function hostileSpecObject(v: HostileValues): Record<string, any> {
  const probeSpec = v.probe.kind === 'httpGet' ? { httpGet: { path: v.probe.path, port: 9080 } } : v.probe.kind === 'exec' ? { exec: { command: v.probe.command } } : { grpc: { port: 9080, service: v.probe.service } };
  const x509 = { certificatePath: v.certificatePath, ...(v.intermediatesPath !== undefined ? { intermediatesPath: v.intermediatesPath } : {}) };
  const proxy = { ...(v.proxy.http ? { http: v.proxy.http } : {}), ...(v.proxy.https ? { https: v.proxy.https } : {}), noProxy: v.proxy.noProxy };
  return {
    apiVersion: 'vmonboard/v1alpha1',
    kind: 'OnboardingSpec',
    metadata: { name: 'hostile', description: v.description },
    mesh: { flavor: 'istio', istio: { version: '1.27.1', revision: '1-27' }, trustDomain: 'example.org', clusterName: 'cluster1', meshID: 'mesh1', network: 'network1', vmNetwork: 'vm-network', podCIDRs: ['10.244.0.0/16'] },
    eastWestGateway: { address: v.gatewayDns ? 'ew.mesh.example.com' : '203.0.113.10', labels: { istio: 'eastwestgateway', ...v.gatewayLabels } },
    trust: { meshRootCA: { file: 'mesh-root-ca.pem' }, spireBundle: { file: 'spire-bundle.pem' } },
    spire: { server: { aws: { irsaRoleArn: 'arn:aws:iam::123456789012:role/spire-server' } } },
    telemetry: { gateway: { host: 'otel-gateway.observability.svc.cluster.local' }, resourceAttributes: v.resourceAttributes },
    artifacts: {
      ...(v.mirror ? { mirror: v.mirror } : {}),
      proxy,
      ...(v.sidecarDebUrl ? { components: { 'istio-sidecar': { urls: { 'deb/amd64': v.sidecarDebUrl } } } } : {}),
    },
    platforms: [
      { name: 'aws-prod', kind: 'aws', delivery: 'cloud-init', targets: { os: ['ubuntu-22.04', 'amazonlinux-2023'], arch: ['amd64'] }, aws: { accountIds: ['123456789012'], regions: ['us-east-1'] } },
      { name: 'dc1', kind: 'onprem', delivery: 'shell', targets: { os: ['debian-12'], arch: ['amd64'] }, x509pop: { caBundle: { file: 'onprem-host-ca.pem' }, ...x509, privateKey: 'file:///etc/pki/vmonboard/host.key' } },
      { name: 'gcp-prod', kind: 'gcp', delivery: 'startup-script', targets: { os: ['debian-12'], arch: ['amd64'] }, gcp: { projectIds: ['bookinfo-prod'] } },
    ],
    workloads: [
      {
        name: 'ratings',
        namespace: 'bookinfo',
        serviceAccount: 'bookinfo-ratings',
        labels: v.workloadLabels,
        annotations: v.annotations,
        ports: [{ name: 'http', number: 9080, protocol: 'HTTP' }],
        probe: probeSpec,
        platforms: [
          { name: 'aws-prod', selectors: { aws: { tags: v.awsTags, ...(v.securityGroupName !== undefined ? { securityGroupName: v.securityGroupName } : {}) } } },
          { name: 'dc1', selectors: { x509pop: { subjectCN: v.subjectCN } } },
          { name: 'gcp-prod', selectors: { gcp: { serviceAccount: 'ratings@bookinfo-prod.iam.gserviceaccount.com' } } },
        ],
      },
    ],
  };
}

/** Every string leaf of an object with its JSON pointer (keys included as `<pointer>#key`). */
function stringLeaves(value: unknown, pointer = ''): Array<{ pointer: string; key: boolean }> {
  if (typeof value === 'string') return [{ pointer, key: false }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return [{ pointer: p, key: true }, ...stringLeaves(v, p)];
    });
  }
  return [];
}

/** Inserts `char` into the string (or key) at `pointer` of `spec`, at character `at` (mod length+1). */
function plant(spec: Record<string, any>, pointer: string, key: boolean, at: number, char: string): void {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop()!;
  let parent: any = spec;
  for (const p of parts) parent = parent[p];
  const insert = (s: string): string => {
    const i = at % (s.length + 1);
    return `${s.slice(0, i)}${char}${s.slice(i)}`;
  };
  if (key) {
    const v = parent[last];
    delete parent[last];
    parent[insert(last)] = v;
  } else parent[last] = insert(parent[last] as string);
}

/**
 * The hostile case generator. One case in eight carries a refused character (NUL half the time,
 * else one YAML readers drop or fold) in one string or key, anywhere in the spec, not only in
 * free-form fields: it must be refused with that character's diagnostic. The text is YAML or
 * JSON, since both are valid specs and escape differently.
 */
export const hostileCase: fc.Arbitrary<HostileCase> = fc
  .tuple(
    hostileValues,
    fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.constant('\u0000'), fc.constantFrom(...Object.keys(REFUSED_CHARACTERS)))) }),
    fc.constantFrom('yaml' as const, 'json' as const),
  )
  .map(([values, planted, format]) => {
    const spec = hostileSpecObject(values);
    let plantedAt: string | undefined;
    if (planted) {
      const leaves = stringLeaves(spec);
      const leaf = leaves[planted[0] % leaves.length]!;
      plant(spec, leaf.pointer, leaf.key, planted[1], planted[2]);
      plantedAt = `${leaf.pointer}${leaf.key ? '#key' : ''}`;
    }
    // Double-quoted YAML: every value is spelled out with escapes. A block scalar holding only
    // blanks with an indentation indicator (`|2` over a line of spaces, js-yaml's form of "  \n")
    // is read as "  \n" by PyYAML and js-yaml but as "" by the spec loader's `yaml` 2.9 (the YAML
    // spec leaves all-blank block scalars ambiguous: eemeli/yaml#313); found with seed 131669325.
    const text = format === 'json' ? `${JSON.stringify(spec, null, 1)}\n` : jsYaml.dump(spec, { lineWidth: -1, forceQuotes: true, quotingType: '"' });
    return { values, ...(plantedAt !== undefined && planted ? { plantedAt, refusedAs: REFUSED_CHARACTERS[planted[2]]! } : {}), format, text };
  });
