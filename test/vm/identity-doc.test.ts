// docs/identity.md exists, covers what the issue asks for, and agrees with what is rendered.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
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
});
