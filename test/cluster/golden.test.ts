/**
 * Golden tests of everything under cluster/ for every golden case (refresh with
 * `npx vitest run test/cluster/golden.test.ts -u`). Flavor gloo's cluster/ files are rendered by
 * src/cluster/gloo (issue 10) and checked in depth by test/gloo/cluster.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectGoldenPrefix, goldenBundle, goldenCases, goldenModel, PROJECT_ROOT } from '../helpers/golden-cases.js';
import { listChartFiles } from '../../src/cluster/chart-files.js';
import { istioCases } from './cluster-fixtures.js';

describe.each(goldenCases())('golden case %s', (name) => {
  it('matches cluster/** exactly (no missing, no unexpected files)', async () => {
    await expectGoldenPrefix(name, await goldenBundle(name), 'cluster/');
  });

  it('renders the cluster side of its flavor', async () => {
    const [model, bundle] = await Promise.all([goldenModel(name), goldenBundle(name)]);
    const files = [...bundle.keys()].filter((p) => p.startsWith('cluster/'));
    if (model.flavor === 'gloo') {
      for (const f of ['gloo-platform-crds.values.yaml', 'gloo-platform.values.yaml', 'istiod.values.yaml', 'eastwest-gateway.values.yaml', 'mesh-registration.values.yaml', 'README.md']) {
        expect(files, f).toContain(`cluster/${f}`);
      }
      expect(files).not.toContain('cluster/spire.values.yaml');
      return;
    }
    for (const f of ['spire.values.yaml', 'istiod.values.yaml', 'eastwest-gateway.values.yaml', 'mesh-registration.values.yaml', 'README.md', 'iam/README.md']) {
      expect(files, f).toContain(`cluster/${f}`);
    }
  });
});

describe('golden coverage', () => {
  it('has flavor istio cases for every platform kind, attestation and both registration modes', async () => {
    const models = await Promise.all((await istioCases()).map((n) => goldenModel(n)));
    const kinds = new Set(models.flatMap((m) => m.platforms.map((p) => p.kind)));
    const attestations = new Set(models.flatMap((m) => m.platforms.map((p) => p.attestation.type)));
    expect([...kinds].sort()).toEqual(['aws', 'azure', 'baremetal', 'gcp', 'onprem']);
    expect([...attestations].sort()).toEqual(['aws_iid', 'azure_imds', 'gcp_iit', 'join_token', 'x509pop']);
    expect(new Set(models.map((m) => m.mesh.registration))).toEqual(new Set(['chart-values', 'crds']));
  });
});

describe('bundled chart copy', () => {
  it('is byte-identical to charts/vmonboard-mesh, file for file', async () => {
    const bundle = await goldenBundle('aws-cloudinit');
    const copied = [...bundle.keys()].filter((p) => p.startsWith('cluster/charts/vmonboard-mesh/')).map((p) => p.slice('cluster/charts/vmonboard-mesh/'.length));
    expect(copied).toEqual(listChartFiles());
    expect(copied).toContain('templates/_helpers.tpl');
    for (const rel of copied) {
      const f = bundle.get(`cluster/charts/vmonboard-mesh/${rel}`)!;
      const bytes = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content);
      expect(bytes.equals(readFileSync(join(PROJECT_ROOT, 'charts/vmonboard-mesh', rel))), rel).toBe(true);
    }
  });
});

describe('cluster/README.md', () => {
  it('gives the ordered helm commands with chart versions, the network label and the checks', async () => {
    const bundle = await goldenBundle('crds-registration');
    const readme = bundle.get('cluster/README.md')!.content as string;
    const order = [
      'kubectl create secret generic spiffe-upstream-ca -n spire-server',
      'kubectl label namespace istio-system topology.istio.io/network=network1 --overwrite',
      'helm upgrade --install istiod-1-27 istio/istiod --version 1.27.1',
      'helm upgrade --install spire-crds spire-crds --repo https://spiffe.github.io/helm-charts-hardened/ --version 0.6.0',
      'helm upgrade --install spire spire --repo https://spiffe.github.io/helm-charts-hardened/ --version 0.30.0 -n spire-server -f spire.values.yaml',
      'helm upgrade --install istio-eastwestgateway istio/gateway --version 1.27.1 -n istio-system -f eastwest-gateway.values.yaml',
      'helm upgrade --install vmonboard-mesh-crds-registration ./charts/vmonboard-mesh -n istio-system -f mesh-registration.values.yaml',
      'spire-server token generate -spiffeID spiffe://example.org/vmonboard/node/metal/bookinfo/reviews -ttl 600',
    ];
    let at = -1;
    for (const cmd of order) {
      const i = readme.indexOf(cmd);
      expect(i, cmd).toBeGreaterThan(at);
      at = i;
    }
    expect(readme.match(/^Check/gm)?.length).toBeGreaterThanOrEqual(6);
  });

  it('has no join-token step when no platform uses join tokens', async () => {
    const readme = (await goldenBundle('aws-cloudinit')).get('cluster/README.md')!.content as string;
    expect(readme).not.toContain('token generate');
    expect(readme).toContain('spire-server entry show -spiffeID spiffe://example.org/ns/bookinfo/sa/bookinfo-ratings');
  });
});
