/**
 * systemd units and accounts of a VM, derived from the agent files: which units exist, the order
 * they start in, which ones `systemctl enable` applies to, which packages' upgrades restart which
 * units, and which users and groups the bootstrap must create because no package does.
 */
import type { AgentFile } from '../vm/agent-file.js';
import { PACKAGE_UNIT, PACKAGE_USERS } from './pins.js';

/** Start rank of each agent: SPIRE agent first, then the sidecar (its unit waits for the SDS socket), collector last (architecture guide §5). */
const AGENT_RANK: Record<AgentFile['agent'], number> = { spire: 0, istio: 1, otel: 2, vmonboard: 3 };

/** Units the payload's own files add (the managed-hosts refresher of a DNS-named gateway). */
export const VMONBOARD_UNITS = { hostsService: 'vmonboard-hosts.service', hostsTimer: 'vmonboard-hosts.timer' } as const;

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders every unit that some file restarts: by the lowest start rank of the agents whose files
 * restart it, then by name. The packages' own units always rank as their agent, even when another
 * agent's file (the sidecar drop-in, say) restarts them.
 */
export function orderUnits(files: readonly AgentFile[]): string[] {
  const rank = new Map<string, number>();
  for (const f of files) {
    for (const u of f.restarts) {
      const r = u === PACKAGE_UNIT['istio-sidecar'] ? AGENT_RANK.istio : u === PACKAGE_UNIT['otelcol-contrib'] ? AGENT_RANK.otel : AGENT_RANK[f.agent];
      rank.set(u, Math.min(rank.get(u) ?? r, r));
    }
  }
  return [...rank.entries()].sort(([a, ra], [b, rb]) => ra - rb || byName(a, b)).map(([u]) => u);
}

/** Units restarted by one agent's files, in start order. */
export function unitsOfAgent(files: readonly AgentFile[], agent: AgentFile['agent']): string[] {
  const own = new Set(files.filter((f) => f.agent === agent).flatMap((f) => f.restarts));
  return orderUnits(files).filter((u) => own.has(u));
}

/**
 * The SPIRE agent's units: SPIRE ships no unit (spire-otel.md §5), so it is whatever the SPIRE
 * config files restart, minus the sidecar's unit.
 */
export function spireUnits(files: readonly AgentFile[]): string[] {
  return unitsOfAgent(files, 'spire').filter((u) => u !== PACKAGE_UNIT['istio-sidecar']);
}

/** The unit file a payload writes for `unit`, if any (drop-ins are not unit files). */
function unitFile(files: readonly AgentFile[], unit: string): AgentFile | undefined {
  return files.find((f) => f.vmPath === `/etc/systemd/system/${unit}`);
}

/**
 * Every unit of the VM: those some file restarts, in start order, then units whose files are
 * written but that nothing restarts (the boot-time hosts oneshot), by name.
 */
export function allUnits(files: readonly AgentFile[]): string[] {
  const ordered = orderUnits(files);
  const extra = files
    .map((f) => /^\/etc\/systemd\/system\/([^/]+\.(?:service|timer))$/.exec(f.vmPath)?.[1])
    .filter((u): u is string => u !== undefined && !ordered.includes(u))
    .sort(byName);
  return [...ordered, ...extra];
}

/**
 * Units to `systemctl enable`: a unit whose file the payload writes is enabled only when it has
 * an [Install] section (a oneshot pulled in by another unit or a timer has none, and enabling it
 * would only warn); a unit from a package (istio.service, otelcol-contrib.service) always is.
 */
export function unitsToEnable(files: readonly AgentFile[]): string[] {
  return allUnits(files).filter((u) => {
    const file = unitFile(files, u);
    return file === undefined || /^\[Install\]\s*$/m.test(file.content);
  });
}

/** Users that own some file but that no package creates; the bootstrap creates them as system users. */
export function usersToCreate(files: readonly AgentFile[]): string[] {
  return [...new Set(files.map((f) => f.owner).filter((u) => !PACKAGE_USERS.includes(u)))].sort(byName);
}

/** Groups of some file that no package and no created user (useradd --user-group) provides. */
export function groupsToCreate(files: readonly AgentFile[]): string[] {
  const users = new Set(usersToCreate(files));
  return [...new Set(files.map((f) => f.group).filter((g) => !PACKAGE_USERS.includes(g) && !users.has(g)))].sort(byName);
}
