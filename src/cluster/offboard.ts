/**
 * Offboarding, cluster side: per workload × platform, the exact commands to run after a VM is gone
 * (evict its SPIRE agent, remove its WorkloadEntry) and after the whole placement is removed from
 * the spec (its registration entries and, for gloo, the ExternalWorkload). uninstall.sh cleans
 * the VM; these steps close the identity on the server, so a new machine cannot reuse it.
 *
 * Sources (SPIRE v1.15.3, ../shared/upstream/spiffe-spire/doc/spire_server.md):
 * - `spire-server agent list -selector <type:value>` ("Can be used more than once"); with several
 *   selectors it lists the agents whose node selectors include all of them: the CLI's
 *   `-matchSelectorsOn` defaults to "superset" (spiffe/spire cmd/spire-server/cli/agent list usage).
 * - `spire-server agent evict -spiffeID <agent ID>` ("De-attesting an already attested node");
 *   for join-token nodes evict also deletes the alias entry `token generate -spiffeID` created
 *   (`prune_attested_nodes_expired_for`: "Join-token nodes also cascade-delete the CreateJoinToken
 *   alias entry on prune or agent evict").
 * - `spire-server entry show -spiffeID | -parentID`, `entry delete -entryID`.
 * Agent IDs per attestor (spire-otel.md §1.3, the same forms uninstall.sh computes on the VM).
 * Auto-registered WorkloadEntries: istiod names them after the group and the VM address, removes
 * them PILOT_WORKLOAD_ENTRY_GRACE_PERIOD (10s) after the VM disconnects, and a WorkloadEntry
 * carries the WorkloadGroup's template labels (mesh-onboarding.md §2.6); one left behind (istiod
 * restarted meanwhile) is found by those labels and its spec.address.
 */
import type { Model, PlatformModel, WorkloadModel, Placement } from '../model/model.js';
import { shellCommand as sh, shq } from './shell-words.js';
import { spireServerExec } from './names.js';
import { placementSpireEntries } from './registration.js';

/** One step: when to run it, what it does, and the commands ($AGENT_ID / $VM_ADDRESS are the operator's inputs). */
export interface OffboardStep {
  id: 'find-agent' | 'evict-agent' | 'remove-workload-entry' | 'remove-placement';
  when: 'vm-gone' | 'placement-removed';
  title: string;
  commands: string[];
  note?: string;
}

/** The offboarding plan of one workload on one platform. */
export interface OffboardPlan {
  workload: string;
  namespace: string;
  platform: string;
  attestor: PlatformModel['attestation']['type'];
  /** Bundle path of the script. */
  file: string;
  /** The SPIRE agent ID of one VM, with <placeholders> for what only the VM knows. */
  agentIdForm: string;
  steps: OffboardStep[];
}

/** Bundle directory of the offboarding scripts. */
export const OFFBOARD_DIR = 'cluster/offboard';

/** How one VM's agent ID is formed, per attestor (the agent's SPIFFE ID path under /spire/agent/). */
export function agentIdForm(model: Model, platform: PlatformModel): string {
  const a = platform.attestation;
  const prefix = `spiffe://${model.mesh.trustDomain}/spire/agent/${a.type}/`;
  switch (a.type) {
    case 'aws_iid':
      return `${prefix}<ACCOUNT_ID>/<REGION>/<INSTANCE_ID>`;
    case 'gcp_iit':
      return `${prefix}<PROJECT_ID>/<INSTANCE_ID>`;
    case 'azure_imds':
      return `${prefix}${a.tenantId}/<SUBSCRIPTION_ID>/<VM_ID>`;
    case 'x509pop':
      return `${prefix}<SHA1_FINGERPRINT_OF_THE_HOST_CERTIFICATE>`;
    case 'join_token':
      return `${prefix}<JOIN_TOKEN>`;
  }
}

/** `spire-server <args>` inside the server pod (gloo's deployment, or the chart's StatefulSet: names.ts spireServerExec). */
function spireServer(model: Model, ...args: string[]): string {
  if (model.flavor === 'gloo') {
    // Gloo runs its SPIRE server as Deployment gloo-spire-server in gloo-mesh (gloo-vm-facts.md §2.3);
    // the CLI's path inside that image is not documented, so it is called by name.
    return sh('kubectl', '-n', 'gloo-mesh', 'exec', 'deploy/gloo-spire-server', '--', 'spire-server', ...args);
  }
  return spireServerExec(model, ...args);
}

function labelSelector(w: WorkloadModel): string {
  return Object.entries(w.labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function steps(model: Model, w: WorkloadModel, pl: Placement, platform: PlatformModel): OffboardStep[] {
  const joinToken = platform.attestation.type === 'join_token';
  const out: OffboardStep[] = [];
  out.push(
    joinToken
      ? { id: 'find-agent', when: 'vm-gone', title: 'find the agent: the join-token agents of this node alias are the parents of its alias entries', commands: [spireServer(model, 'entry', 'show', '-spiffeID', pl.nodeAliasId)] }
      : {
          id: 'find-agent',
          when: 'vm-gone',
          title: 'find the agent: the attested agents whose node selectors include every alias selector of this placement',
          commands: [spireServer(model, 'agent', 'list', ...pl.spireSelectors.flatMap((s) => ['-selector', s]))],
        },
  );
  out.push({
    id: 'evict-agent',
    when: 'vm-gone',
    title: 'evict the gone VM\'s SPIRE agent, so nothing can use its agent SVID again',
    commands: [`${spireServer(model, 'agent', 'evict', '-spiffeID')} "$AGENT_ID"`],
    ...(joinToken ? { note: 'evicting a join-token agent also deletes the alias entry its token created' } : {}),
  });
  if (model.flavor === 'istio') {
    const sel = labelSelector(w);
    out.push({
      id: 'remove-workload-entry',
      when: 'vm-gone',
      title: 'remove the VM\'s auto-registered WorkloadEntry if istiod left it behind',
      commands: [
        'while read -r we; do',
        `  if [[ "$(${sh('kubectl', '-n', w.namespace, 'get')} "$we" -o jsonpath='{.spec.address}')" == "$VM_ADDRESS" ]]; then ${sh('kubectl', '-n', w.namespace, 'delete')} "$we"; fi`,
        `done < <(${sh('kubectl', '-n', w.namespace, 'get', 'workloadentries', ...(sel ? ['-l', sel] : []), '-o', 'name')})`,
      ],
    });
  }
  const removal: string[] = [];
  const notes: string[] = [];
  if (model.flavor === 'istio') {
    notes.push('remove the placement from the spec, render, and apply cluster/ (helm upgrade): the controller manager deletes the entries it declared');
    const entries = placementSpireEntries(model, w, pl, platform);
    for (const e of entries) removal.push(`${spireServer(model, 'entry', 'show', '-spiffeID', e.spiffeID, '-parentID', e.parentID)}   # expect: no entries (${e.kind})`);
    if (joinToken) {
      notes.push('alias entries minted by token generate are not the controller\'s: delete each one that is left');
      removal.push(`${spireServer(model, 'entry', 'show', '-spiffeID', pl.nodeAliasId)}   # note each Entry ID`);
      removal.push(`${spireServer(model, 'entry', 'delete', '-entryID')} "$ENTRY_ID"`);
    }
  } else {
    notes.push('when this was the last VM of the workload: delete its ExternalWorkload (or remove the workload from the spec, render and apply cluster/)');
    removal.push(sh('kubectl', '-n', w.namespace, 'delete', 'externalworkload', w.name));
  }
  out.push({ id: 'remove-placement', when: 'placement-removed', title: 'when the whole placement goes away: its registration is removed', commands: removal, note: notes.join('; ') });
  return out;
}

/** The bundle path of a placement's offboarding script. */
function offboardFile(w: WorkloadModel, pl: Placement): string {
  return `${OFFBOARD_DIR}/${w.namespace}/${w.name}/${pl.platform}.sh`;
}

/** One offboarding script: which workload × platform it closes, its bundle path, and how its VMs' agent IDs are formed. */
export type OffboardScript = Omit<OffboardPlan, 'steps'>;

/**
 * The offboarding scripts of every workload × platform, in spec order: the plans of
 * offboardPlans without their steps, which is all the READMEs name. The steps are the
 * costly part (each lists the placement's SPIRE entries; 425 ms and 78 MB at 5,000 × 4).
 */
export function listOffboardScripts(model: Model): OffboardScript[] {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  return model.workloads.flatMap((w) => w.placements.map((pl) => scriptOf(model, w, pl, byName.get(pl.platform)!)));
}

function scriptOf(model: Model, w: WorkloadModel, pl: Placement, platform: PlatformModel): OffboardScript {
  return { workload: w.name, namespace: w.namespace, platform: pl.platform, attestor: platform.attestation.type, file: offboardFile(w, pl), agentIdForm: agentIdForm(model, platform) };
}

/**
 * The offboarding plan of every workload × platform, in spec order, one at a time: a fleet's
 * plans held together were 53 MB live at 5,000 × 4 while their scripts rendered, and the bundle
 * needs only one plan at a time (its script).
 */
export function* offboardPlans(model: Model): Generator<OffboardPlan> {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  for (const w of model.workloads) for (const pl of w.placements) yield offboardPlan(model, w, pl, byName.get(pl.platform)!);
}

/** The offboarding plan of one workload × platform (one VM of the fleet's: cluster/offboard-script.ts renders it VM by VM). */
export function offboardPlan(model: Model, w: WorkloadModel, pl: Placement, platform: PlatformModel): OffboardPlan {
  return { ...scriptOf(model, w, pl, platform), steps: steps(model, w, pl, platform) };
}

/** Lists the offboarding plan of every workload × platform, in spec order. */
export function listOffboardPlans(model: Model): OffboardPlan[] {
  return [...offboardPlans(model)];
}
