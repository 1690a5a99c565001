/**
 * Where each VM's files live in the bundle. Shared by the payload renderers, the bundle
 * README, `vmonboard userdata` and the EC2 command, so they never disagree on a path.
 */
import type { Delivery, WorkloadKey } from '../model/model.js';

/**
 * Bundle directory of one workload on one platform: vms/<namespace>/<workload>/<platform>.
 * The namespace is part of the path because a workload's identity is (namespace, name): two
 * teams' `api` workloads in `payments` and `search` are two directories.
 */
export function vmDir(workload: WorkloadKey, platform: string): string {
  return `vms/${workload.namespace}/${workload.name}/${platform}`;
}

/** File name of the first-boot payload for each delivery, inside vmDir(). */
export const PAYLOAD_FILE: Record<Delivery, string> = {
  'cloud-init': 'user-data.yaml',
  'startup-script': 'startup-script.sh',
  shell: 'install.sh',
};

/** Other per-VM scripts inside vmDir(). */
export const VM_SCRIPTS = {
  bootstrap: 'bootstrap.sh',
  bake: 'bake.sh',
  verify: 'verify.sh',
  uninstall: 'uninstall.sh',
} as const;
