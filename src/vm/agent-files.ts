/**
 * listAgentFiles: every configuration file the three agents need on one VM (one workload on one
 * platform), for flavor istio. The translator writes them into the bundle; the payload embeds the
 * same bytes and installs them after the packages, with these owners and modes (AgentFile
 * contract, src/vm/agent-file.ts). Files the spec gives as URLs are not here: listAgentFetches()
 * says what the payload downloads instead. Flavor gloo is a later issue and yields nothing.
 */
import type { Model, Placement, TrustSource, WorkloadModel } from '../model/model.js';
import type { AgentFile } from './agent-file.js';
import { buildClusterEnv, renderClusterEnv } from './cluster-env.js';
import { renderMeshConfig } from './mesh-config.js';
import { renderHostsBlock } from './hosts-block.js';
import { renderSpireAgentConfig } from './spire-agent-config.js';
import { renderIstioDropIn, renderSpireAgentUnit } from './spire-units.js';
import { renderSvidSyncService, renderSvidSyncTimer } from './svid-sync-units.js';
import { renderOtelConfig } from './otel-config.js';
import { COLLECTOR_SVID_DROP_IN, renderCollectorSvidDropIn, usesCollectorSvid } from './otel-client-cert.js';
import { ISTIO_PATHS, ISTIO_PROXY_USER, OTEL_PATHS, SPIRE_AGENT_GROUP, SPIRE_PATHS, VMONBOARD_PATHS } from './paths.js';

const SYSTEMD_DIR = '/etc/systemd/system';

/** Public trust material embedded in the spec, as a file; nothing for a URL (fetched at boot). */
function trustFile(trust: TrustSource, file: Omit<AgentFile, 'content'>): AgentFile[] {
  if (trust.kind !== 'inline') return [];
  const content = trust.content.endsWith('\n') ? trust.content : `${trust.content}\n`;
  return [{ ...file, content }];
}

function istioFiles(model: Model, workload: WorkloadModel): AgentFile[] {
  const restarts = [ISTIO_PATHS.unit];
  const own = { owner: ISTIO_PROXY_USER, group: ISTIO_PROXY_USER, mode: 0o644 as const, restarts };
  return [
    { agent: 'istio', bundlePath: 'istio/cluster.env', vmPath: ISTIO_PATHS.clusterEnv, content: renderClusterEnv(model, buildClusterEnv(model, workload)), ...own },
    { agent: 'istio', bundlePath: 'istio/mesh.yaml', vmPath: ISTIO_PATHS.mesh, content: renderMeshConfig(model, workload), ...own },
    ...trustFile(model.trust.meshRootCA, { agent: 'istio', bundlePath: 'istio/root-cert.pem', vmPath: ISTIO_PATHS.rootCert, ...own }),
    {
      agent: 'istio',
      bundlePath: 'istio/hosts',
      vmPath: ISTIO_PATHS.hosts,
      content: renderHostsBlock(model),
      owner: 'root',
      group: 'root',
      mode: 0o644,
      // pilot-agent resolves istiod when it (re)connects; no restart needed for a new address.
      restarts: [],
      install: 'hosts-block',
    },
  ];
}

function spireFiles(model: Model, workload: WorkloadModel, placement: Placement): AgentFile[] {
  const restarts = [SPIRE_PATHS.unit];
  // The agent runs as root with group spire; nothing here is secret, but only the agent needs it.
  const own = { owner: 'root', group: SPIRE_AGENT_GROUP, mode: 0o640 as const, restarts };
  return [
    { agent: 'spire', bundlePath: 'spire/agent.conf', vmPath: SPIRE_PATHS.config, content: renderSpireAgentConfig(model, workload, placement), ...own },
    ...trustFile(model.trust.spireBundle, {
      agent: 'spire',
      bundlePath: model.trust.spireBundle.format === 'pem' ? 'spire/bootstrap-bundle.pem' : 'spire/bootstrap-bundle.json',
      vmPath: SPIRE_PATHS.bootstrapBundle[model.trust.spireBundle.format],
      ...own,
    }),
  ];
}

function systemdFiles(model: Model): AgentFile[] {
  const unit = (bundleName: string, vmPath: string, content: string, restarts: string[]): AgentFile => ({
    agent: 'vmonboard',
    bundlePath: `systemd/${bundleName}`,
    vmPath,
    content,
    owner: 'root',
    group: 'root',
    mode: 0o644,
    restarts,
  });
  return [
    unit('spire-agent.service', SPIRE_PATHS.unitFile, renderSpireAgentUnit(model), [SPIRE_PATHS.unit]),
    unit('istio.service.d/10-vmonboard.conf', ISTIO_PATHS.dropIn, renderIstioDropIn(model), [ISTIO_PATHS.unit]),
    unit(VMONBOARD_PATHS.svidSyncService, `${SYSTEMD_DIR}/${VMONBOARD_PATHS.svidSyncService}`, renderSvidSyncService(model), [VMONBOARD_PATHS.svidSyncService]),
    unit(VMONBOARD_PATHS.svidSyncTimer, `${SYSTEMD_DIR}/${VMONBOARD_PATHS.svidSyncTimer}`, renderSvidSyncTimer(model), [VMONBOARD_PATHS.svidSyncTimer]),
    ...(usesCollectorSvid(model) ? [unit(`${OTEL_PATHS.unit}.d/20-vmonboard-svid.conf`, COLLECTOR_SVID_DROP_IN, renderCollectorSvidDropIn(model), [OTEL_PATHS.unit])] : []),
  ];
}

function otelFiles(model: Model, workload: WorkloadModel, placement: Placement): AgentFile[] {
  if (!model.telemetry.enabled) return [];
  const restarts = [OTEL_PATHS.unit];
  return [
    {
      agent: 'otel',
      bundlePath: 'otel/config.yaml',
      vmPath: OTEL_PATHS.config,
      content: renderOtelConfig(model, workload, placement),
      owner: 'root',
      group: 'otelcol-contrib',
      mode: 0o640,
      restarts,
    },
    ...trustFile(model.telemetry.gateway.ca, {
      agent: 'otel',
      bundlePath: 'otel/gateway-ca.pem',
      vmPath: OTEL_PATHS.gatewayCA,
      owner: 'root',
      group: 'root',
      mode: 0o644,
      restarts,
    }),
  ];
}

/**
 * Files that depend on less than the whole VM, for reuse across the VMs of one build: the istio
 * files depend only on the workload, the systemd units only on the model. A memo must not
 * outlive the build (the model it was filled from); BuildCache owns one.
 */
export interface AgentFilesMemo {
  istio: Map<WorkloadModel, AgentFile[]>;
  systemd?: AgentFile[];
}

/** An empty memo for one build. */
export function newAgentFilesMemo(): AgentFilesMemo {
  return { istio: new Map() };
}

/**
 * Returns the agent files for one workload on one platform, in a fixed order (istio, spire,
 * systemd units, otel). Pure: the same model gives the same list and bytes; with a memo, files
 * shared with other VMs of the build are rendered once.
 */
export function listAgentFiles(model: Model, workload: WorkloadModel, placement: Placement, memo?: AgentFilesMemo): AgentFile[] {
  if (model.flavor !== 'istio') return [];
  let istio = memo?.istio.get(workload);
  if (!istio) {
    istio = istioFiles(model, workload);
    memo?.istio.set(workload, istio);
  }
  const systemd = memo ? (memo.systemd ??= systemdFiles(model)) : systemdFiles(model);
  return [...istio, ...spireFiles(model, workload, placement), ...systemd, ...otelFiles(model, workload, placement)];
}
