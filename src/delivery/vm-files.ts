/**
 * The files of one VM's payload, split by how they reach the staged directory:
 * - agent files (src/vm/): staged by cloud-init write_files or embedded in the script;
 * - the payload's own helpers (the verify script; for a DNS-named gateway the hosts refresher and
 *   its units): part of the bootstrap itself, always embedded in it;
 * - HTTPS trust material the spec gives as a URL (listAgentFetches): downloaded at boot.
 * All of them are then placed with their final owner and mode. The istio agent's hosts file
 * (`install: 'hosts-block'`) is never placed: it is merged into /etc/hosts as a managed block.
 */
import type { Model, Placement, PlatformModel, WorkloadModel } from '../model/model.js';
import type { AgentFile } from '../vm/agent-file.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import { safeHeader } from '../vm/safe-header.js';
import { HOSTS_BLOCK_BEGIN, HOSTS_BLOCK_END, hostsBlockResolution } from '../vm/hosts-block.js';
import { ISTIO_PATHS, OTEL_PATHS, SDS_SOCKET, SPIRE_PATHS } from '../vm/paths.js';
import { renderShell } from './shell-helpers.js';
import { HOSTS_SCRIPT_VM_PATH, ISTIO_READY_URL, STAGED_DIR, UNIT_DIR, VERIFY_VM_PATH } from './vm-paths.js';
import { VMONBOARD_UNITS, orderUnits, spireUnits } from './units.js';
import { renderUnit } from '../vm/systemd-unit.js';

/** One file the bootstrap places: staged copy (relative name) → final path, owner, mode, units to restart. */
export interface StagedEntry {
  rel: string;
  vmPath: string;
  owner: string;
  group: string;
  mode: number;
  units: string[];
  content: string;
}

/** A public file downloaded at boot (trust material given as an HTTPS URL), then placed like a staged one. */
export interface FetchedEntry extends Omit<StagedEntry, 'content'> {
  url: string;
}

/**
 * The hosts refresher's units: a oneshot at every boot before the sidecar (something may rewrite
 * /etc/hosts at boot, cloud-init's update_etc_hosts for one) and, for a DNS-named gateway, a
 * timer every 5 minutes, because a load balancer's addresses change (issue 5).
 */
function hostsUnits(): { service: string; timer: string } {
  return {
    service: [
      '[Unit]',
      'Description=vmonboard: the managed east-west gateway block of /etc/hosts',
      'Wants=network-online.target',
      'After=network-online.target',
      `Before=${ISTIO_PATHS.unit}`,
      '',
      '[Service]',
      'Type=oneshot',
      `ExecStart=${HOSTS_SCRIPT_VM_PATH}`,
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'),
    timer: ['[Unit]', 'Description=vmonboard: re-resolve the east-west gateway', '', '[Timer]', 'OnBootSec=5min', 'OnUnitActiveSec=5min', '', '[Install]', 'WantedBy=timers.target', ''].join('\n'),
  };
}

/**
 * A drop-in that starts the collector last: `systemctl restart --no-block` only queues jobs, and
 * queued jobs run in parallel unless an ordering dependency says otherwise. The sidecar's own
 * drop-in already orders it after the SPIRE agent (src/vm/spire-units.ts).
 */
function collectorOrderDropIn(model: Model, after: string[]): string {
  return renderUnit(model, [`Start the collector last, after ${after.join(' and ')} (architecture guide §5).`], [{ name: 'Unit', entries: [['After', after.join(' ')]] }]);
}

function header(model: Model): string {
  return safeHeader(model).replace(/^# /, '').trimEnd();
}

/**
 * The long-running units of a VM (not the oneshots a timer triggers): the SPIRE agent, the sidecar,
 * the collector. verify.sh checks them, and the bootstrap waits for them before it forgets their
 * pending restarts (partials/common/units).
 */
export function listLongRunningUnits(model: Model, agentFiles: readonly AgentFile[]): string[] {
  const units = orderUnits(agentFiles);
  return [...spireUnits(agentFiles), ...(units.includes(ISTIO_PATHS.unit) ? [ISTIO_PATHS.unit] : []), ...(model.telemetry.enabled ? [OTEL_PATHS.unit] : [])];
}

/** Renders the verify script of one VM (the bundle's verify.sh and the VM's vmonboard-verify). */
export function renderVerify(model: Model, workload: WorkloadModel, platform: PlatformModel, agentFiles: readonly AgentFile[]): string {
  const units = orderUnits(agentFiles);
  const roles = (['tls', 'istiod', 'webhook', 'status', 'spire', 'otlp'] as const)
    .filter((role) => role !== 'otlp' || model.telemetry.enabled)
    .map((role) => ({ role, port: model.gateway.ports[role] }));
  return renderShell('vm/verify.sh.hbs', {
    header: header(model),
    title: `vmonboard verify for workload ${workload.name} on platform ${platform.name}: agents, SDS socket, east-west gateway ports.`,
    units: listLongRunningUnits(model, agentFiles),
    sock: SDS_SOCKET,
    spireBin: SPIRE_PATHS.bin,
    istioReady: units.includes(ISTIO_PATHS.unit) ? ISTIO_READY_URL : '',
    gateway: model.gateway.address,
    ports: roles,
  });
}

/** How the hosts block is merged (templates/bootstrap/partials/common/hosts-merge.sh.hbs). */
export interface HostsMerge {
  rel: string;
  blockPath: string;
  begin: string;
  end: string;
  resolve: { hostname: string; placeholder: string } | false;
}

/** The merge settings of a hosts block staged as `rel`. */
export function hostsMerge(model: Model, rel: string): HostsMerge {
  return { rel, blockPath: `${STAGED_DIR}/${rel}`, begin: HOSTS_BLOCK_BEGIN, end: HOSTS_BLOCK_END, resolve: hostsBlockResolution(model) ?? false };
}

/** Renders vmonboard-hosts, which merges the hosts block into /etc/hosts (re-resolving a DNS-named gateway). */
export function renderHostsScript(model: Model, rel: string): string {
  return renderShell('vm/hosts.sh.hbs', { header: header(model), hostsMerge: hostsMerge(model, rel) });
}

/** Everything one VM's payload stages, fetches and places. */
export interface PayloadFiles {
  /** Agent files plus the payload's own files, as AgentFiles (for unit and account lists). */
  all: AgentFile[];
  /** Agent files staged by the delivery (write_files, or embedded for the other deliveries). */
  agentStaged: StagedEntry[];
  /** The payload's own helpers, always embedded in the bootstrap. */
  ownStaged: StagedEntry[];
  /** Trust material downloaded at boot. */
  fetched: FetchedEntry[];
  /** Files the bootstrap places, in order (staged and fetched). */
  placed: Array<Omit<StagedEntry, 'content'>>;
  /**
   * Staged collector files placed BEFORE the packages are installed: the otelcol-contrib deb's
   * postinst starts the service right away, and its packaged config listens on 0.0.0.0
   * (spire-otel.md §4.1, "overwrite it before (re)starting"). dpkg --force-confold and rpm
   * %config(noreplace) keep a config that is already there.
   */
  preplaced: Array<Omit<StagedEntry, 'content'>>;
  /** How the hosts block is merged into /etc/hosts, when the agent files have one. */
  hosts: HostsMerge | false;
}

function toStaged(f: AgentFile): StagedEntry {
  return { rel: f.bundlePath, vmPath: f.vmPath, owner: f.owner, group: f.group, mode: f.mode, units: [...f.restarts], content: f.content };
}

/** Lists the files of one workload on one platform. */
export function payloadFiles(model: Model, workload: WorkloadModel, _placement: Placement, platform: PlatformModel, agentFiles: readonly AgentFile[], fetches: readonly AgentFetch[]): PayloadFiles {
  const hosts = agentFiles.find((f) => f.install === 'hosts-block');
  const own: AgentFile[] = [];
  const add = (name: string, vmPath: string, content: string, mode: AgentFile['mode'], restarts: string[]): void => {
    own.push({ agent: 'vmonboard', bundlePath: `vmonboard/${name}`, vmPath, content, owner: 'root', group: 'root', mode, restarts });
  };
  add('vmonboard-verify', VERIFY_VM_PATH, renderVerify(model, workload, platform, agentFiles), 0o755, []);
  if (model.telemetry.enabled) {
    const after = [...spireUnits(agentFiles), ISTIO_PATHS.unit];
    add('otelcol-order.conf', `${UNIT_DIR}/${OTEL_PATHS.unit}.d/10-vmonboard-order.conf`, collectorOrderDropIn(model, after), 0o644, [OTEL_PATHS.unit]);
  }
  if (hosts) {
    const u = hostsUnits();
    add('vmonboard-hosts', HOSTS_SCRIPT_VM_PATH, renderHostsScript(model, hosts.bundlePath), 0o755, []);
    // The bootstrap runs the script itself; the units only need enabling (restarting the oneshot
    // would merely run it again).
    add(VMONBOARD_UNITS.hostsService, `${UNIT_DIR}/${VMONBOARD_UNITS.hostsService}`, u.service, 0o644, []);
    if (hostsBlockResolution(model)) add(VMONBOARD_UNITS.hostsTimer, `${UNIT_DIR}/${VMONBOARD_UNITS.hostsTimer}`, u.timer, 0o644, [VMONBOARD_UNITS.hostsTimer]);
  }
  const fetched: FetchedEntry[] = fetches
    .filter((f): f is AgentFetch & { source: { kind: 'https'; url: string } } => f.source.kind === 'https')
    .map((f) => ({ rel: `fetched${f.vmPath}`, url: f.source.url, vmPath: f.vmPath, owner: f.owner, group: f.group, mode: f.mode, units: [...f.restarts] }));
  const agentStaged = agentFiles.map(toStaged);
  const ownStaged = own.map(toStaged);
  const names = [...agentStaged, ...ownStaged, ...fetched].map((s) => s.rel);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two payload files share the staged name ${dup}`);
  const entry = (s: StagedEntry | FetchedEntry): Omit<StagedEntry, 'content'> => ({ rel: s.rel, vmPath: s.vmPath, owner: s.owner, group: s.group, mode: s.mode, units: s.units });
  const placed = [...agentStaged.filter((s) => s.rel !== hosts?.bundlePath), ...fetched, ...ownStaged].map(entry);
  const collectorDir = OTEL_PATHS.config.slice(0, OTEL_PATHS.config.lastIndexOf('/') + 1);
  // The collector's own drop-ins too (otel-client-cert.ts): the postinst start must already see them.
  const collectorDropIns = `${UNIT_DIR}/${OTEL_PATHS.unit}.d/`;
  const preplaced = agentStaged.filter((s) => s.vmPath.startsWith(collectorDir) || s.vmPath.startsWith(collectorDropIns)).map(entry);
  return { all: [...agentFiles, ...own], agentStaged, ownStaged, fetched, placed, preplaced, hosts: hosts ? hostsMerge(model, hosts.bundlePath) : false };
}
