// The listAgentFiles contract the payload relies on: paths, owners, modes, restarts; URL trust
// sources become fetches instead of files; secrets are never embedded; the translator writes the
// same bytes into the bundle, with 0644 (0600 for anything private).
import { describe, expect, it } from 'vitest';
import type { AgentFile } from '../../src/vm/agent-file.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { listAgentFetches } from '../../src/vm/agent-fetches.js';
import { bundleModeOf, translateAgentFiles } from '../../src/vm/translate-agent-files.js';
import { translators } from '../../src/translators.js';
import { AGENT_BUNDLE_DIRS } from '../../src/vm/paths.js';
import { allPlacements, firstPlacement, ISTIO_CASES, variantOf } from './model-variants.js';
import { renderAgentBundle } from './agent-golden.js';

describe('listAgentFiles', () => {
  it('lists each file once, under the agent directories, with absolute VM paths', async () => {
    for (const name of ISTIO_CASES) {
      const model = await variantOf(name);
      for (const { workload, placement } of allPlacements(model)) {
        const files = listAgentFiles(model, workload, placement);
        expect(new Set(files.map((f) => f.bundlePath)).size).toBe(files.length);
        expect(new Set(files.map((f) => f.vmPath)).size).toBe(files.length);
        for (const f of files) {
          expect(AGENT_BUNDLE_DIRS as readonly string[]).toContain(f.bundlePath.split('/')[0]);
          expect(f.vmPath).toMatch(/^\/[^\s]+$/);
          expect(f.content.endsWith('\n')).toBe(true);
          expect(f.content).not.toContain('\r');
        }
      }
    }
  });

  it('places the files where the agents read them, owned by the right accounts', async () => {
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const byPath = new Map(listAgentFiles(model, workload, placement).map((f) => [f.bundlePath, f]));
    expect(byPath.get('istio/cluster.env')).toMatchObject({ vmPath: '/var/lib/istio/envoy/cluster.env', owner: 'istio-proxy', restarts: ['istio.service'] });
    expect(byPath.get('istio/mesh.yaml')).toMatchObject({ vmPath: '/etc/istio/config/mesh', owner: 'istio-proxy' });
    expect(byPath.get('istio/root-cert.pem')).toMatchObject({ vmPath: '/etc/certs/root-cert.pem', owner: 'istio-proxy' });
    expect(byPath.get('spire/agent.conf')).toMatchObject({ vmPath: '/etc/spire/agent/agent.conf', group: 'spire', mode: 0o640, restarts: ['spire-agent.service'] });
    expect(byPath.get('otel/config.yaml')).toMatchObject({ vmPath: '/etc/otelcol-contrib/config.yaml', group: 'otelcol-contrib', restarts: ['otelcol-contrib.service'] });
    expect(byPath.get('systemd/istio.service.d/10-vmonboard.conf')).toMatchObject({ vmPath: '/etc/systemd/system/istio.service.d/10-vmonboard.conf', owner: 'root' });
  });

  it('embeds only public material: no private key or token text anywhere', async () => {
    for (const name of ISTIO_CASES) {
      const model = await variantOf(name);
      for (const { workload, placement } of allPlacements(model)) {
        for (const f of listAgentFiles(model, workload, placement)) expect(f.content).not.toMatch(/PRIVATE KEY|eyJhbGciOi/);
      }
    }
  });

  it('yields nothing for flavor gloo (a later issue)', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.flavor = 'gloo';
    });
    const { workload, placement } = firstPlacement(model);
    expect(listAgentFiles(model, workload, placement)).toEqual([]);
    expect(listAgentFetches(model, workload, placement)).toEqual([]);
  });
});

describe('URL trust sources and secret stores → fetches, not files', () => {
  it('a mesh root CA URL: no root-cert.pem file, a fetch to the same VM path instead', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.trust.meshRootCA = { kind: 'url', url: 'https://pki.example.com/mesh-root.pem' };
      m.telemetry.gateway.ca = m.trust.meshRootCA;
    });
    const { workload, placement } = firstPlacement(model);
    const files = listAgentFiles(model, workload, placement).map((f) => f.bundlePath);
    expect(files).not.toContain('istio/root-cert.pem');
    expect(files).not.toContain('otel/gateway-ca.pem');
    expect(listAgentFetches(model, workload, placement)).toEqual([
      { agent: 'istio', source: { kind: 'https', url: 'https://pki.example.com/mesh-root.pem' }, vmPath: '/etc/certs/root-cert.pem', owner: 'istio-proxy', group: 'istio-proxy', mode: 0o644, restarts: ['istio.service'] },
      { agent: 'otel', source: { kind: 'https', url: 'https://pki.example.com/mesh-root.pem' }, vmPath: '/etc/otelcol-contrib/certs/gateway-ca.pem', owner: 'root', group: 'root', mode: 0o644, restarts: ['otelcol-contrib.service'] },
    ]);
  });

  it('a SPIRE bundle URL is fetched by the agent itself: no file, no payload fetch', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.trust.spireBundle = { kind: 'url', url: 'https://bundles.example.com/b.spiffe', format: 'spiffe' };
    });
    const { workload, placement } = firstPlacement(model);
    expect(listAgentFiles(model, workload, placement).map((f) => f.bundlePath)).not.toContain('spire/bootstrap-bundle.pem');
    expect(listAgentFetches(model, workload, placement)).toEqual([]);
  });

  it('an embedded SPIFFE-format bundle is named .json, a PEM one .pem', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.trust.spireBundle.format = 'spiffe';
    });
    const { workload, placement } = firstPlacement(model);
    const file = listAgentFiles(model, workload, placement).find((f) => f.bundlePath.startsWith('spire/bootstrap-bundle'))!;
    expect(file).toMatchObject({ bundlePath: 'spire/bootstrap-bundle.json', vmPath: '/etc/spire/agent/bootstrap-bundle.json' });
  });

  it('file:// secrets need no fetch; secret-store ones go to /var/lib/vmonboard/secrets as root 0600', async () => {
    const fileRef = await variantOf('baremetal-jointoken');
    const a = firstPlacement(fileRef);
    expect(listAgentFetches(fileRef, a.workload, a.placement)).toEqual([]);
    const store = await variantOf('baremetal-jointoken', (m) => {
      const att = m.platforms[0]!.attestation;
      if (att.type === 'join_token') att.token = { scheme: 'aws-secretsmanager', uri: 'aws-secretsmanager://vm/join', id: 'vm/join' };
    });
    const b = firstPlacement(store);
    expect(listAgentFetches(store, b.workload, b.placement)).toEqual([
      expect.objectContaining({ agent: 'spire', source: { kind: 'secret', ref: expect.objectContaining({ scheme: 'aws-secretsmanager' }) }, vmPath: '/var/lib/vmonboard/secrets/join-token', owner: 'root', mode: 0o600 }),
    ]);
  });
});

describe('the translator', () => {
  it('is registered exactly once, so `vmonboard render` writes the agent files', () => {
    expect(translators.filter((t) => t.run === translateAgentFiles).map((t) => t.name)).toEqual(['vm-agent-files']);
  });

  it('writes the listed bytes at vms/<workload>/<platform>/<bundlePath>, sourced from the placement', async () => {
    const model = await variantOf('crds-registration');
    const { bundle } = renderAgentBundle(model);
    for (const { workload, placement } of allPlacements(model)) {
      for (const f of listAgentFiles(model, workload, placement)) {
        const entry = bundle.get(`vms/${workload.namespace}/${workload.name}/${placement.platform}/${f.bundlePath}`);
        expect(entry).toEqual({ content: f.content, mode: 0o644, source: placement.pointer });
      }
    }
  });

  it('is deterministic: two renders of the same model give the same bytes', async () => {
    const model = await variantOf('azure-cloudinit');
    const a = renderAgentBundle(model).bundle;
    const b = renderAgentBundle(structuredClone(model)).bundle;
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it('keeps a private file private in the bundle', () => {
    const base: Omit<AgentFile, 'mode'> = { agent: 'spire', bundlePath: 'spire/x', vmPath: '/x', content: '', owner: 'root', group: 'root', restarts: [] };
    expect(bundleModeOf({ ...base, mode: 0o600 })).toBe(0o600);
    expect(bundleModeOf({ ...base, mode: 0o640 })).toBe(0o644);
  });
});
