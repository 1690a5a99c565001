import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpireAgentConfig } from './spire-agent-config.js';
import { loadSpireAgentReference, parseFullConf, type KeyNode } from './spire-reference.js';
import { PROJECT_ROOT, readUpstream, upstreamPath } from './upstream.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/validators/spire');
const load = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
const keysFrom = (node: KeyNode | undefined, source: string): string[] =>
  [...(node?.children ?? [])].filter(([, c]) => [...c.sources].some((s) => s.endsWith(source))).map(([k]) => k).sort();

describe('SPIRE 1.15.3 agent reference, extracted from upstream files', () => {
  const ref = loadSpireAgentReference();
  const agent = ref.root.children.get('agent');

  it('finds the top-level blocks of agent_full.conf', () => {
    expect([...ref.root.children.keys()].sort()).toEqual(['agent', 'health_checks', 'plugins', 'telemetry']);
  });

  it('cross-checks the agent keys of agent_full.conf against the spire_agent.md table', () => {
    const conf = keysFrom(agent, 'agent_full.conf');
    const doc = keysFrom(agent, 'spire_agent.md');
    expect(conf).toEqual(expect.arrayContaining(['data_dir', 'insecure_bootstrap', 'server_address', 'socket_path', 'trust_bundle_path', 'trust_domain', 'sds', 'experimental']));
    // Every option agent_full.conf shows is documented...
    expect(conf.filter((k) => !doc.includes(k))).toEqual([]);
    // ...while the doc table has options the sample file omits (pinned, so a change upstream shows up here).
    expect(doc.filter((k) => !conf.includes(k))).toEqual([
      'allow_unauthenticated_verifiers',
      'availability_target',
      'join_token_file',
      'jwt_svid_cache_max_size',
      'profiling_enabled',
      'profiling_freq',
      'profiling_names',
      'profiling_port',
      'x509_svid_cache_max_size',
    ]);
    expect(keysFrom(agent?.children.get('sds'), 'agent_full.conf')).toEqual(keysFrom(agent?.children.get('sds'), 'spire_agent.md'));
  });

  it('cross-checks health_checks keys (agent_full.conf vs the spire_agent.md example)', () => {
    const hc = ref.root.children.get('health_checks');
    expect(keysFrom(hc, 'agent_full.conf')).toEqual(['bind_address', 'bind_port', 'listener_enabled', 'live_path', 'ready_path']);
    expect(keysFrom(hc, 'spire_agent.md')).toEqual(keysFrom(hc, 'agent_full.conf'));
  });

  it('reads plugin_data keys from the plugin docs and agrees with agent_full.conf where both list a plugin', () => {
    const keys = (id: string): string[] => [...(ref.plugins.get(id)?.keys ?? ['<null>'])].sort();
    expect(keys('NodeAttestor/aws_iid')).toEqual(['ec2_metadata_endpoint']);
    expect(keys('NodeAttestor/gcp_iit')).toEqual(['identity_token_host', 'service_account']);
    expect(keys('NodeAttestor/azure_imds')).toEqual(['tenant_domain']);
    expect([...ref.plugins.get('NodeAttestor/azure_imds')!.required]).toEqual(['tenant_domain']);
    expect(keys('NodeAttestor/x509pop')).toEqual(['certificate_path', 'intermediates_path', 'private_key_path', 'spiffe_endpoint_socket']);
    expect(keys('NodeAttestor/join_token')).toEqual([]);
    expect(keys('KeyManager/disk')).toEqual(['directory']);
    expect(keys('WorkloadAttestor/unix')).toEqual(['discover_workload_path', 'workload_size_limit']);
    const full = parseFullConf(readUpstream('spiffe-spire/conf/agent/agent_full.conf'));
    const differ: string[] = [];
    for (const file of fs.readdirSync(upstreamPath('spiffe-spire/doc')).filter((f) => f.startsWith('plugin_agent_'))) {
      const title = /^# Agent plugin: (\w+) "([^"]+)"/m.exec(readUpstream(`spiffe-spire/doc/${file}`))!;
      const inConf = full.children.get('plugins')?.children.get(`${title[1]}/${title[2]}`);
      if (!inConf) {
        differ.push(`${title[1]}/${title[2]}: not in agent_full.conf`);
        continue;
      }
      const confKeys = [...(inConf.children.get('plugin_data')?.children.keys() ?? [])];
      const docOnly = keys(`${title[1]}/${title[2]}`).filter((k) => !confKeys.includes(k));
      if (docOnly.length) differ.push(`${title[1]}/${title[2]}: doc only ${docOnly.join(',')}`);
    }
    expect(differ.sort()).toEqual([
      'NodeAttestor/azure_imds: not in agent_full.conf',
      'NodeAttestor/http_challenge: not in agent_full.conf',
      'NodeAttestor/x509pop: doc only spiffe_endpoint_socket',
    ]);
  });
});

describe('checkSpireAgentConfig accepts correct configs', () => {
  it('the JSON form', () => {
    expect(checkSpireAgentConfig(load('agent.json'))).toEqual([]);
  });

  it('the HCL-v1-decoded form (every block a list of maps)', () => {
    expect(checkSpireAgentConfig(load('agent.hcl-decoded.json'))).toEqual([]);
  });

  it('plugins.<Type> as a map of names', () => {
    const cfg = load('agent.json');
    cfg.plugins = {
      KeyManager: { disk: { plugin_data: { directory: '/var/lib/spire/agent' } } },
      NodeAttestor: { azure_imds: { plugin_data: { tenant_domain: 'example.onmicrosoft.com' } } },
      WorkloadAttestor: { unix: {}, systemd: {} },
    };
    expect(checkSpireAgentConfig(cfg)).toEqual([]);
  });
});

describe('checkSpireAgentConfig rejects planted defects', () => {
  it('insecure_bootstrap, even set to false', () => {
    const cfg = load('agent.json');
    cfg.agent.insecure_bootstrap = false;
    expect(checkSpireAgentConfig(cfg)).toEqual([expect.stringMatching(/^\/agent\/insecure_bootstrap: must not be set at all/)]);
  });

  it('an unknown plugin_data key', () => {
    const cfg = load('agent.json');
    cfg.plugins.NodeAttestor = [{ x509pop: { plugin_data: { private_key_path: '/k', certificate_path: '/c', ca_bundle_path: '/ca' } } }];
    expect(checkSpireAgentConfig(cfg)).toEqual([
      expect.stringMatching(/^\/plugins\/NodeAttestor\/x509pop\/plugin_data\/ca_bundle_path: unknown plugin_data key for NodeAttestor "x509pop"/),
    ]);
  });

  it('an unknown plugin_data key in the HCL-decoded form, and gcp_iit option of the server side', () => {
    const cfg = load('agent.hcl-decoded.json');
    cfg.plugins[0].NodeAttestor = [{ gcp_iit: [{ plugin_data: [{ projectid_allow_list: ['p'] }] }] }];
    expect(checkSpireAgentConfig(cfg)).toEqual([expect.stringMatching(/^\/plugins\/NodeAttestor\/gcp_iit\/plugin_data\/projectid_allow_list: unknown/)]);
  });

  it('"${" anywhere (the agent never runs with -expandEnv)', () => {
    const cfg = load('agent.json');
    cfg.agent.join_token = '${JOIN_TOKEN}';
    cfg.plugins.NodeAttestor = [{ join_token: { plugin_data: {} } }];
    expect(checkSpireAgentConfig(cfg)).toEqual(['/agent/join_token: contains "${" but the agent never runs with -expandEnv']);
  });

  it('unknown keys in agent, sds, health_checks, telemetry and the top level', () => {
    const cfg = load('agent.json');
    cfg.agent.server_adress = 'x';
    cfg.agent.sds.default_bundle = 'ROOTCA';
    cfg.health_checks.port = 8088;
    cfg.telemetry.Prometheus.listen = '127.0.0.1';
    cfg.server = {};
    expect(checkSpireAgentConfig(cfg).sort()).toEqual(
      [
        expect.stringMatching(/^\/agent\/sds\/default_bundle: unknown key/),
        expect.stringMatching(/^\/agent\/server_adress: unknown key/),
        expect.stringMatching(/^\/health_checks\/port: unknown key/),
        expect.stringMatching(/^\/server: unknown top-level block/),
        expect.stringMatching(/^\/telemetry\/Prometheus\/listen: unknown key/),
      ],
    );
  });

  it('unknown plugin type, unknown plugin name, unknown plugin block key, duplicate plugin', () => {
    const cfg = load('agent.json');
    cfg.plugins.Notifier = [{ k8sbundle: {} }];
    cfg.plugins.NodeAttestor = [{ aws_iid: { plugin_data: {}, plugin_config: {} } }, { aws_iid: {} }, { ec2: {} }];
    expect(checkSpireAgentConfig(cfg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/plugins\/Notifier: unknown plugin type/),
        expect.stringMatching(/^\/plugins\/NodeAttestor\/aws_iid\/plugin_config: unknown plugin key/),
        '/plugins/NodeAttestor/aws_iid: plugin declared twice',
        expect.stringMatching(/^\/plugins\/NodeAttestor\/ec2: no built-in NodeAttestor plugin "ec2"/),
      ]),
    );
  });

  it('a required plugin_data key missing (azure_imds tenant_domain) and plugin_data with plugin_data_file', () => {
    const cfg = load('agent.json');
    cfg.plugins.NodeAttestor = [{ azure_imds: { plugin_data: {}, plugin_data_file: '/etc/x' } }];
    expect(checkSpireAgentConfig(cfg)).toEqual([
      '/plugins/NodeAttestor/azure_imds: plugin_data and plugin_data_file are mutually exclusive (spire_agent.md)',
      expect.stringMatching(/^\/plugins\/NodeAttestor\/azure_imds\/plugin_data: tenant_domain is required/),
    ]);
  });

  it('two bootstrap bundle sources, or none', () => {
    const two = load('agent.json');
    two.agent.trust_bundle_url = 'https://bundles.example.com/b.json';
    expect(checkSpireAgentConfig(two)).toEqual([expect.stringMatching(/^\/agent: only one bootstrap bundle source/)]);
    const none = load('agent.json');
    delete none.agent.trust_bundle_path;
    expect(checkSpireAgentConfig(none)).toEqual([expect.stringMatching(/^\/agent: needs a bootstrap bundle source/)]);
  });
});
