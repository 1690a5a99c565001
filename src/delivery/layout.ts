/**
 * Where each VM's files live in the bundle. Shared by the payload renderers, the bundle
 * README, `vmonboard userdata` and the EC2 command, so they never disagree on a path.
 */
import type { Delivery } from '../model/model.js';

/** Bundle directory of one workload on one platform. */
export function vmDir(workload: string, platform: string): string {
  return `vms/${workload}/${platform}`;
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
