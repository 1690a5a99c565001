/**
 * examples/fleet.yaml (issue 16): a realistic fleet with per-OS arch targets, two AWS regions,
 * GCP, on-prem x509, an outbound-only worker and two teams' `api` workloads (payments/api and
 * search/api: names are per namespace). It validates and renders; under --strict its only
 * finding is its labelled sample lock (LOCK_SAMPLE_PINS, as for main's examples), and its
 * consumers judge the output: the chart through Helm's engine with every resource checked
 * against its upstream CRD, each SPIRE agent config through HCL v1 and the SPIRE 1.15.3 key
 * check, and (through test/delivery/helpers/corpus.ts) every payload through cloud-init schema,
 * bash -n and shellcheck.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { Pod } from 'kubernetes-models/v1';
import { renderSpecFile } from '../../src/api.js';
import { listFirewallRules } from '../../src/bundle/firewall.js';
import { meshReleaseName } from '../../src/cluster/names.js';
import { helmTemplate, parseManifests, parseManyHcl } from '../harness/go-harness.js';
import { validateK8sResource } from '../validators/k8s-crd.js';
import { checkSpireAgentConfig } from '../validators/spire-agent-config.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runInProcess } from '../cli/cli-io.js';

const SPEC = join(PROJECT_ROOT, 'examples', 'fleet.yaml');
const rendered = renderSpecFile(SPEC);
const text = async (path: string): Promise<string> => {
  const f = (await rendered).bundle!.get(path);
  if (!f || typeof f.content !== 'string') throw new Error(`no ${path}`);
  return f.content;
};
type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, any> };

describe('examples/fleet.yaml', () => {
  it('validates, renders, and under --strict fails only on its labelled sample lock', async () => {
    const v = await runInProcess(['validate', SPEC]);
    expect(v).toMatchObject({ code: 0, stdout: '' });
    // The example ships sample pins (sample: true, issue 15 §12), which --strict refuses; every
    // other check (pod CIDRs, gateway exposure, server credentials, selectors) passes strictly.
    const strict = await runInProcess(['validate', '--strict', SPEC, '--format', 'json']);
    expect(strict.code).toBe(1);
    const found = (JSON.parse(strict.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code);
    expect(found).toEqual(['LOCK_SAMPLE_PINS']);
    const r = await rendered;
    expect(r.diagnostics.map((d) => d.code)).toEqual(['LOCK_SAMPLE_PINS']);
    expect(r.bundle).toBeDefined();
  });

  it('follows the per-OS targets: the pairs, the lock and the bootstrap dispatch', async () => {
    const { model } = await rendered;
    const aws = model!.platforms.find((p) => p.name === 'aws-prod')!;
    expect(aws.pairs).toEqual([
      { os: 'amazonlinux-2023', arch: 'amd64' },
      { os: 'ubuntu-24.04', arch: 'amd64' },
      { os: 'ubuntu-24.04', arch: 'arm64' },
    ]);
    // No rpm/arm64 sidecar is needed (Istio publishes none), so none is pinned.
    const keys = model!.artifacts.pins.map((p) => `${p.component} ${p.format}/${p.arch}`);
    expect(keys).not.toContain('istio-sidecar rpm/arm64');
    expect(keys).toContain('istio-sidecar deb/arm64');
    const boot = await text('vms/payments/api/aws-prod/bootstrap.sh');
    expect(boot).toContain(`    'deb/amd64' | 'deb/arm64' | 'rpm/amd64') ;;`);
    expect(boot).toMatch(/die "unsupported OS and arch combination \$PKG\/\$ARCH \(\$id\); targets:" 'amazonlinux-2023\/amd64 ubuntu-24.04\/amd64 ubuntu-24.04\/arm64'/);
    expect(boot).not.toMatch(/'rpm\/arm64'\) pins=/);
    // A platform in the object form keeps the old dispatch (no pair check): every format runs on every arch.
    expect(await text('vms/payments/api/gcp-prod/startup-script.sh')).not.toContain('unsupported OS and arch combination');
  });

  it('renders the outbound-only worker with no inbound side: no ports, no Service, no capture, no inbound rows', async () => {
    const { model } = await rendered;
    expect(await text('vms/payments/batch-worker/aws-prod/istio/cluster.env')).toMatch(/^ISTIO_INBOUND_PORTS=''$/m);
    expect(await text('vms/payments/api/aws-prod/istio/cluster.env')).toMatch(/^ISTIO_INBOUND_PORTS='8443'$/m);
    expect(await text('vms/payments/batch-worker/rack1/istio/cluster.env')).not.toMatch(/ISTIO_META_POD_PORTS/);
    const rows = listFirewallRules(model!);
    // Two inbound rows per serving port since issue 14 (one from the pods, one from the other VMs); none for the worker.
    // The two `api` workloads' rows name their namespaces, so they neither merge nor read alike.
    expect(rows.filter((r) => r.direction === 'inbound').map((r) => `${r.appliesTo} ${r.port}`)).toEqual([
      'payments/api VMs 8443', 'payments/api VMs 8443', 'search/api VMs 8080', 'search/api VMs 8080', 'payments-db VMs 3306', 'payments-db VMs 3306',
    ]);
    // The collector and the SPIRE agent are the same as for a serving workload.
    for (const f of ['otel/config.yaml', 'spire/agent.conf']) {
      const worker = await text(`vms/payments/batch-worker/rack1/${f}`);
      const db = await text(`vms/payments/payments-db/rack1/${f}`);
      expect(worker.replaceAll('batch-worker', 'W')).toBe(db.replaceAll('payments-db', 'W'));
    }
  });

  it('renders a chart whose every resource validates against its upstream CRD', async () => {
    const { model } = await rendered;
    const values = jsYaml.load(await text('cluster/mesh-registration.values.yaml'));
    const { manifests } = await helmTemplate({ chartDir: join(PROJECT_ROOT, 'charts/vmonboard-mesh'), values, releaseName: meshReleaseName(model!), releaseNamespace: 'istio-system' });
    const docs = parseManifests(manifests).map((m) => m.doc as Doc);
    for (const d of docs) {
      // The chart's helm test Pod is a core kind: kubernetes-models judges it, the CRD schemas the rest.
      if (d.kind === 'Pod') expect(() => new Pod(d as never).validate()).not.toThrow();
      else expect(validateK8sResource(d), `${d.kind} ${d.metadata.name}`).toEqual([]);
    }
    const wgs = docs.filter((d) => d.kind === 'WorkloadGroup');
    const ids = (kind: string) => docs.filter((d) => d.kind === kind).map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort();
    expect(ids('WorkloadGroup')).toEqual(['payments/api', 'payments/batch-worker', 'payments/payments-db', 'search/api']);
    const worker = wgs.find((d) => d.metadata.name === 'batch-worker')!;
    expect(worker.spec!.template).not.toHaveProperty('ports');
    expect(wgs.find((d) => d.metadata.namespace === 'payments' && d.metadata.name === 'api')!.spec!.template.ports).toEqual({ https: 8443 });
    expect(wgs.find((d) => d.metadata.namespace === 'search' && d.metadata.name === 'api')!.spec!.template.ports).toEqual({ http: 8080 });
    expect(ids('Service')).toEqual(['payments/api', 'payments/payments-db', 'search/api']);
    expect(ids('ServiceAccount')).toEqual(['payments/api', 'payments/batch-worker', 'payments/payments-db', 'search/api']);
  });

  it('writes SPIRE agent configs that HCL v1 reads and SPIRE 1.15.3 accepts', async () => {
    const { bundle } = await rendered;
    const paths = [...bundle!.keys()].filter((p) => p.endsWith('/spire/agent.conf')).sort();
    expect(paths).toHaveLength(6);
    const decoded = await parseManyHcl(await Promise.all(paths.map(text)));
    decoded.forEach((d, i) => {
      expect('ok' in d, `${paths[i]}: ${'error' in d ? d.error : ''}`).toBe(true);
      expect(checkSpireAgentConfig((d as { ok: unknown }).ok), paths[i]).toEqual([]);
    });
  });
});
