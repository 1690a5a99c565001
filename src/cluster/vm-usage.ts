/**
 * What each VM really uses, read back from the VM agent files in the bundle (the VM translator
 * runs before the cluster translator): the SPIRE server address and port and trust domain
 * (spire/agent.conf, JSON), istiod's address (istio/mesh.yaml discoveryAddress) and its /etc/hosts
 * mapping (istio/hosts), identity and network (istio/cluster.env), and the OTLP endpoint and TLS
 * server name (otel/config.yaml). When a VM file is not in the bundle, the value the VM contract
 * derives from the model is used instead, so the check still covers the cluster side.
 */
import jsYaml from 'js-yaml';
import type { Model, Placement, WorkloadModel } from '../model/model.js';
import { vmDir } from '../bundle/layout.js';
import { asRecord, dig } from './values-access.js';
import { TextMemo } from '../text-memo.js';

/** One workload placement as its VM sees the cluster. */
export interface VmUsage {
  workload: WorkloadModel;
  placement: Placement;
  /** 'bundle' when read from the VM files, 'model' when derived (no VM file). */
  source: 'bundle' | 'model';
  trustDomains: string[];
  spire: { address: string; port: number };
  istiod: { host: string; port: number };
  /** /etc/hosts names → address (the payload may fill a placeholder for a DNS gateway). */
  hosts: Record<string, string>;
  network: string;
  namespace: string;
  serviceAccount: string;
  autoRegisterGroup?: string;
  otlp?: { address: string; port: number; sni: string };
}

/** Reads a bundle file as text, if present. */
export type BundleText = (path: string) => string | undefined;

/** Parses istioctl-style `KEY='value'` lines (single quotes, `'"'"'` for a quote). */
function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^'|'$/g, '').replace(/'"'"'/g, "'");
  }
  return out;
}

function splitHostPort(value: string): { host: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(value);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: value, port: NaN };
}

/** The OTLP exporter's endpoint and server name: the collector unescapes `$$` to `$`. */
function otlpOf(config: unknown): VmUsage['otlp'] {
  for (const e of Object.values(asRecord(dig(config, 'exporters')))) {
    const endpoint = dig(e, 'endpoint');
    if (typeof endpoint !== 'string') continue;
    const { host, port } = splitHostPort(endpoint);
    return { address: host, port, sni: String(dig(e, 'tls', 'server_name_override') ?? '').replace(/\$\$/g, '$') };
  }
  return undefined;
}

/** The usage the VM contract implies when the VM files are absent. */
function fromModel(model: Model, w: WorkloadModel, pl: Placement): VmUsage {
  const g = model.gateway;
  return {
    workload: w,
    placement: pl,
    source: 'model',
    trustDomains: [model.mesh.trustDomain],
    spire: { address: g.address, port: g.ports.spire },
    istiod: { host: model.mesh.istiod.host, port: g.ports.istiod },
    hosts: { [model.mesh.istiod.host]: g.address },
    network: model.mesh.vmNetwork,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    ...(model.mesh.autoRegistration ? { autoRegisterGroup: w.name } : {}),
    ...(model.telemetry.enabled ? { otlp: { address: g.address, port: g.ports.otlp, sni: model.telemetry.gateway.sni } } : {}),
  };
}

/** Parses a VM's YAML file (js-yaml, as everywhere a file is read back). */
export type YamlLoad = (text: string) => unknown;

/**
 * A YAML loader that parses each distinct text once: a workload's mesh.yaml is the same on every
 * platform it runs on. Parse results are shared, so callers must only read them.
 */
export function memoizedYamlLoad(): YamlLoad {
  const memo = new TextMemo<unknown>();
  return (text) => memo.get(text, (t) => jsYaml.load(t));
}

/** One placement's usage, from its VM files where they exist (a parallel build reads each VM's in its worker). */
export function readVmUsageOf(model: Model, w: WorkloadModel, pl: Placement, text: BundleText, load: YamlLoad = jsYaml.load): VmUsage {
  const dir = vmDir(w, pl.platform);
  const agent = text(`${dir}/spire/agent.conf`);
  const mesh = text(`${dir}/istio/mesh.yaml`);
  const env = text(`${dir}/istio/cluster.env`);
  const u = fromModel(model, w, pl);
  if (agent === undefined || mesh === undefined || env === undefined) return u;
  const a = JSON.parse(agent) as unknown;
  const e = parseEnv(env);
  const hosts: Record<string, string> = {};
  for (const line of (text(`${dir}/istio/hosts`) ?? '').split('\n')) {
    const [addr, ...names] = line.trim().split(/\s+/);
    if (addr && !addr.startsWith('#')) for (const n of names) hosts[n] = addr;
  }
  const otel = text(`${dir}/otel/config.yaml`);
  return {
    ...u,
    source: 'bundle',
    trustDomains: [String(dig(a, 'agent', 'trust_domain')), e.TRUST_DOMAIN ?? ''],
    spire: { address: String(dig(a, 'agent', 'server_address')), port: Number(dig(a, 'agent', 'server_port')) },
    istiod: splitHostPort(String(dig(load(mesh), 'defaultConfig', 'discoveryAddress') ?? '')),
    hosts,
    network: e.ISTIO_META_NETWORK ?? '',
    namespace: e.POD_NAMESPACE ?? '',
    serviceAccount: e.SERVICE_ACCOUNT ?? '',
    ...(e.ISTIO_META_AUTO_REGISTER_GROUP !== undefined ? { autoRegisterGroup: e.ISTIO_META_AUTO_REGISTER_GROUP } : { autoRegisterGroup: undefined }),
    otlp: otel === undefined ? undefined : otlpOf(load(otel)),
  };
}

/** Lists every placement's usage, from the bundle's VM files where they exist. */
export function readVmUsage(model: Model, text: BundleText): VmUsage[] {
  const load = memoizedYamlLoad();
  return model.workloads.flatMap((w) => w.placements.map((pl) => readVmUsageOf(model, w, pl, text, load)));
}
