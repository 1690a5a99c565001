// docs/identity.md exists, covers what the issue asks for, and agrees with what is rendered.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { PROJECT_ROOT, goldenBundle, readUpstream } from '../helpers/golden-cases.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { VMONBOARD_CLUSTER_ENV_KEYS } from '../../src/vm/cluster-env.js';
import { SDS_SOCKET } from '../../src/vm/paths.js';
import { firstPlacement, variantOf } from './model-variants.js';

const DOC = join(PROJECT_ROOT, 'docs', 'identity.md');

describe('docs/identity.md', () => {
  it('exists with the sections the issue asks for', () => {
    expect(existsSync(DOC)).toBe(true);
    const doc = readFileSync(DOC, 'utf8');
    for (const heading of [
      /^## 1\. The workload certificate comes from SPIRE/m,
      /^## 3\. xDS to istiod without a Kubernetes token/m,
      /^## 4\. What the cluster side must render/m,
      /^## 6\. What cannot be verified without a live cluster/m,
      /^## Sources/m,
    ]) {
      expect(doc).toMatch(heading);
    }
  });

  it('names the upstream code it relies on', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const source of ['pkg/istio-agent/xds_proxy.go', 'getKeyCertPaths', 'ClientCertAuthenticator', 'fetch_x509.go', 'spire_agent.md', '#37057']) {
      expect(doc).toContain(source);
    }
  });

  it('describes what is actually rendered (socket, fetch command, file names, cluster.env keys)', async () => {
    const doc = readFileSync(DOC, 'utf8');
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const sync = listAgentFiles(model, workload, placement).find((f) => f.bundlePath === 'systemd/vmonboard-svid-sync.service')!.content;
    const command = 'spire-agent api fetch x509 -silent -socketPath <socket> -timeout 30s -write /run/vmonboard-svid';
    expect(doc).toContain(command);
    expect(sync).toContain(command.replace('<socket>', SDS_SOCKET));
    for (const name of ['svid.0.pem', 'svid.0.key', 'cert-chain.pem', 'key.pem']) {
      expect(doc).toContain(name);
      expect(sync).toContain(name);
    }
    expect(doc).toContain(SDS_SOCKET);
    for (const key of VMONBOARD_CLUSTER_ENV_KEYS.filter((k) => k !== 'PILOT_ADDRESS')) expect(doc).toContain(key);
  });

  it('gives the SVID TTL the rendered spire values leave in force, and the pinned pilot-agent log line', async () => {
    const doc = readFileSync(DOC, 'utf8');
    // The figure comes from the chart values the bundle renders: an override there, else the chart default.
    const rendered = jsYaml.load(String((await goldenBundle('aws-cloudinit')).get('cluster/spire.values.yaml')!.content)) as { 'spire-server'?: { defaultX509SvidTTL?: string } };
    const chartDefault = (jsYaml.load(readUpstream('spiffe-helm-charts-hardened/charts/spire/charts/spire-server/values.yaml')) as { defaultX509SvidTTL: string }).defaultX509SvidTTL;
    const ttl = rendered['spire-server']?.defaultX509SvidTTL ?? chartDefault;
    expect(ttl).toMatch(/^\d+h$/);
    expect(doc).toContain(`chart 0.30.0\n  default of ${ttl}`);
    expect(doc).toContain(`rotate about every ${Number(ttl.slice(0, -1)) / 2}h`);
    expect(doc).not.toMatch(/default_x509_svid_ttl`,\s*1h by default/);
    // istio/istio 1.27.1 pkg/istio-agent/agent.go: log.Infof("Existing workload SDS socket found at %s. Default Istio SDS Server will only serve files", ...)
    expect(doc.replace(/\n\s+/g, ' ')).toContain('"Existing workload SDS socket found at %s. Default Istio SDS Server will only serve files"');
    expect(doc).not.toContain("Server won't be started");
  });
});
