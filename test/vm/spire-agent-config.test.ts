// The SPIRE agent config: parsed back by HCL v1 (SPIRE's own parser, via the Go harness) and
// checked against SPIRE 1.15.3's documented keys; per-platform NodeAttestor; bundle sources.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHarness, parseHcl } from '../harness/go-harness.js';
import { checkSpireAgentConfig } from '../validators/spire-agent-config.js';
import { buildSpireAgentConfig, renderSpireAgentConfig } from '../../src/vm/spire-agent-config.js';
import { BundleBuilder } from '../../src/bundle/bundle.js';
import { translateAgentFiles } from '../../src/vm/translate-agent-files.js';
import { SDS_SOCKET } from '../../src/vm/paths.js';
import { allPlacements, firstPlacement, ISTIO_CASES, variantOf } from './model-variants.js';

type Obj = Record<string, unknown>;

beforeAll(async () => {
  await ensureHarness();
}, 300_000);

/** The single NodeAttestor of a config in our JSON form: [name, plugin_data]. */
function nodeAttestorOf(cfg: Obj): [string, unknown] {
  const attestors = (cfg.plugins as Obj).NodeAttestor as Obj;
  const names = Object.keys(attestors);
  expect(names).toHaveLength(1);
  return [names[0]!, (attestors[names[0]!] as Obj).plugin_data];
}

describe('every rendered SPIRE agent config', () => {
  for (const name of ISTIO_CASES) {
    it(`${name}: parses with HCL v1 and uses only SPIRE 1.15.3 keys`, async () => {
      const model = await variantOf(name);
      for (const { workload, placement } of allPlacements(model)) {
        const text = renderSpireAgentConfig(model, workload, placement);
        expect(checkSpireAgentConfig(JSON.parse(text))).toEqual([]);
        const decoded = await parseHcl(text);
        expect(checkSpireAgentConfig(decoded)).toEqual([]);
        const agent = ((decoded as Obj).agent as Obj[])[0]!;
        expect(agent.socket_path).toBe(SDS_SOCKET);
        expect(agent.server_address).toBe(model.gateway.address);
        expect(agent.server_port).toBe(model.gateway.ports.spire);
        expect(agent.rebootstrap_mode).toBe(model.spire.rebootstrapMode);
        expect(agent).not.toHaveProperty('insecure_bootstrap');
      }
    });
  }

  it('is rejected by the checker when insecure_bootstrap or ${ creeps in (the checks can fail)', async () => {
    const model = await variantOf('aws-cloudinit');
    const { workload, placement } = firstPlacement(model);
    const cfg = buildSpireAgentConfig(model, workload, placement) as { agent: Obj };
    expect(checkSpireAgentConfig({ ...cfg, agent: { ...cfg.agent, insecure_bootstrap: false } })).not.toEqual([]);
    expect(checkSpireAgentConfig({ ...cfg, agent: { ...cfg.agent, data_dir: '${HOME}/spire' } })).not.toEqual([]);
    expect(checkSpireAgentConfig({ ...cfg, agent: { ...cfg.agent, no_such_key: 1 } })).not.toEqual([]);
  });
});

describe('NodeAttestor per platform', () => {
  const expected: Record<string, [string, unknown]> = {
    'aws-cloudinit': ['aws_iid', {}],
    'gcp-startup-script': ['gcp_iit', {}],
    'azure-cloudinit': ['azure_imds', { tenant_domain: 'contoso.onmicrosoft.com' }],
    'onprem-x509pop': [
      'x509pop',
      {
        certificate_path: '/etc/pki/vmonboard/host.crt',
        intermediates_path: '/etc/pki/vmonboard/intermediates.pem',
        // The file:// reference's own path: the key never leaves the host.
        private_key_path: '/etc/pki/vmonboard/host.key',
      },
    ],
    'baremetal-jointoken': ['join_token', {}],
  };
  for (const [name, attestor] of Object.entries(expected)) {
    it(`${name}: ${attestor[0]}`, async () => {
      const model = await variantOf(name);
      const { workload, placement } = firstPlacement(model);
      expect(nodeAttestorOf(buildSpireAgentConfig(model, workload, placement))).toEqual(attestor);
    });
  }

  it('join_token: the token file is the host file:// path, never a token value', async () => {
    const model = await variantOf('baremetal-jointoken');
    const { workload, placement } = firstPlacement(model);
    const agent = buildSpireAgentConfig(model, workload, placement).agent as Obj;
    expect(agent.join_token_file).toBe('/etc/vmonboard/join-token');
    expect(agent).not.toHaveProperty('join_token');
  });

  it('x509pop with a secret-store key: the payload-fetched path under /var/lib/vmonboard/secrets', async () => {
    const model = await variantOf('onprem-x509pop', (m) => {
      const a = m.platforms[0]!.attestation;
      if (a.type !== 'x509pop') throw new Error('fixture changed');
      a.privateKey = { scheme: 'aws-ssm', uri: 'aws-ssm:///dc1/host-key', name: '/dc1/host-key' };
    });
    const { workload, placement } = firstPlacement(model);
    const [, data] = nodeAttestorOf(buildSpireAgentConfig(model, workload, placement));
    expect((data as Obj).private_key_path).toBe('/var/lib/vmonboard/secrets/x509pop-key.pem');
  });

  it('KeyManager disk in the persistent data_dir and WorkloadAttestor unix', async () => {
    const model = await variantOf('gcp-startup-script');
    const { workload, placement } = firstPlacement(model);
    const cfg = buildSpireAgentConfig(model, workload, placement);
    expect(cfg.plugins).toMatchObject({
      KeyManager: { disk: { plugin_data: { directory: '/var/lib/spire/agent' } } },
      WorkloadAttestor: { unix: { plugin_data: {} } },
    });
    expect((cfg.agent as Obj).data_dir).toBe('/var/lib/spire/agent');
    expect(cfg.health_checks).toMatchObject({ listener_enabled: true, bind_address: '127.0.0.1' });
  });
});

describe('bootstrap bundle source', () => {
  it('embedded: trust_bundle_path with the spec format', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.trust.spireBundle.format = 'spiffe';
    });
    const { workload, placement } = firstPlacement(model);
    const agent = buildSpireAgentConfig(model, workload, placement).agent as Obj;
    expect(agent).toMatchObject({ trust_bundle_path: '/etc/spire/agent/bootstrap-bundle.json', trust_bundle_format: 'spiffe' });
    expect(agent).not.toHaveProperty('trust_bundle_url');
  });

  it('URL: trust_bundle_url and no trust_bundle_path', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.trust.spireBundle = { kind: 'url', url: 'https://bundles.example.com/example.org.spiffe', format: 'spiffe' };
    });
    const { workload, placement } = firstPlacement(model);
    const agent = buildSpireAgentConfig(model, workload, placement).agent as Obj;
    expect(agent).toMatchObject({ trust_bundle_url: 'https://bundles.example.com/example.org.spiffe', trust_bundle_format: 'spiffe' });
    expect(agent).not.toHaveProperty('trust_bundle_path');
    expect(checkSpireAgentConfig(await parseHcl(renderSpireAgentConfig(model, workload, placement)))).toEqual([]);
  });

  it('a DNS-named gateway stays a name in server_address', async () => {
    const model = await variantOf('onprem-x509pop');
    const { workload, placement } = firstPlacement(model);
    expect((buildSpireAgentConfig(model, workload, placement).agent as Obj).server_address).toBe('ew.mesh.example.com');
  });
});

describe('a ${ in an x509pop path', () => {
  it('is reported as a render error at the spec field, not rendered silently', async () => {
    const model = await variantOf('onprem-x509pop', (m) => {
      const a = m.platforms[0]!.attestation;
      if (a.type === 'x509pop') a.certificatePath = '/etc/${HOSTNAME}/host.crt';
    });
    const diagnostics = translateAgentFiles(model, new BundleBuilder());
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'RENDER_FAILED', pointer: '/platforms/0/x509pop/certificatePath' })]);
  });
});
