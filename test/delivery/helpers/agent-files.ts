/**
 * Small AgentFile fixtures shaped like the VM agent configs (src/vm/): what the payload tests
 * stage, place and restart. The real list comes from src/vm/agent-files.ts; these keep the
 * delivery tests independent of its exact contents.
 */
import type { AgentFile } from '../../../src/vm/agent-file.js';
import type { Model } from '../../../src/model/model.js';

/** Builds a representative agent-file list for a model (istio sidecar, SPIRE agent, collector). */
export function fixtureAgentFiles(model: Pick<Model, 'gateway' | 'mesh' | 'telemetry'>, variant = ''): AgentFile[] {
  const files: AgentFile[] = [
    {
      agent: 'istio',
      bundlePath: 'istio/cluster.env',
      vmPath: '/var/lib/istio/envoy/cluster.env',
      content: `CANONICAL_SERVICE='ratings'\nISTIO_META_MESH_ID='${model.mesh.meshID}'${variant}\n`,
      owner: 'istio-proxy',
      group: 'istio-proxy',
      mode: 0o644,
      restarts: ['istio.service'],
    },
    {
      agent: 'istio',
      bundlePath: 'istio/mesh.yaml',
      vmPath: '/etc/istio/config/mesh',
      content: `defaultConfig:\n  discoveryAddress: "${model.mesh.istiod.host}:15012"\n`,
      owner: 'istio-proxy',
      group: 'istio-proxy',
      mode: 0o644,
      restarts: ['istio.service'],
    },
    {
      agent: 'istio',
      bundlePath: 'istio/hosts',
      vmPath: '/etc/hosts',
      content: `${model.gateway.address} ${model.mesh.istiod.host}\n`,
      owner: 'root',
      group: 'root',
      mode: 0o644,
      restarts: [],
    },
    {
      agent: 'spire',
      bundlePath: 'spire/agent.conf',
      vmPath: '/etc/spire/agent/agent.conf',
      content: `{"agent":{"data_dir":"/var/lib/spire/agent","socket_path":"/var/run/secrets/workload-spiffe-uds/socket"}}\n`,
      owner: 'spire',
      group: 'spire',
      mode: 0o640,
      restarts: ['spire-agent.service'],
    },
    {
      agent: 'spire',
      bundlePath: 'spire/spire-agent.service',
      vmPath: '/etc/systemd/system/spire-agent.service',
      content: '[Unit]\nDescription=SPIRE agent\n\n[Service]\nUser=spire\nGroup=spire\nExecStart=/opt/spire/bin/spire-agent run -config /etc/spire/agent/agent.conf\n',
      owner: 'root',
      group: 'root',
      mode: 0o644,
      restarts: ['spire-agent.service'],
    },
    {
      agent: 'spire',
      bundlePath: 'spire/istio-wait-sds.conf',
      vmPath: '/etc/systemd/system/istio.service.d/10-wait-sds.conf',
      content: '[Unit]\nAfter=spire-agent.service\nRequires=spire-agent.service\n',
      owner: 'root',
      group: 'root',
      mode: 0o644,
      restarts: ['istio.service'],
    },
  ];
  if (model.telemetry.enabled) {
    files.push({
      agent: 'otel',
      bundlePath: 'otel/config.yaml',
      vmPath: '/etc/otelcol-contrib/config.yaml',
      content: 'receivers:\n  hostmetrics: {}\n',
      owner: 'otelcol-contrib',
      group: 'otelcol-contrib',
      mode: 0o640,
      restarts: ['otelcol-contrib.service'],
    });
  }
  return files;
}
