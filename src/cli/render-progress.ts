/**
 * Render progress on stderr for large fleets: `[412/900] payments/payments-api gcp-prod`, redrawn
 * in place, only when stderr is a terminal and the render has more than PROGRESS_MIN_VMS VMs (a
 * pipe or CI log gets nothing, and small renders finish before a line would be readable).
 */
import type { VmRef } from '../translate/vm-ref.js';

/** Renders of more VMs than this show progress on a terminal. */
export const PROGRESS_MIN_VMS = 100;

/** The progress line of one VM. */
export function formatRenderProgress(done: number, total: number, vm: VmRef): string {
  return `[${done}/${total}] ${vm.workload.namespace}/${vm.workload.name} ${vm.placement.platform}`;
}

/** A reporter: `update` for RenderOptions.onProgress, `finish` to clear the line. */
export interface RenderProgress {
  update(done: number, total: number, vm: VmRef): void;
  finish(): void;
}

/** Returns a reporter writing to `write`, or undefined when stderr is not a terminal. */
export function createRenderProgress(write: (s: string) => void, isTTY: boolean, intervalMs = 100): RenderProgress | undefined {
  if (!isTTY) return undefined;
  let drawn = false;
  let last = 0;
  return {
    update(done, total, vm) {
      if (total <= PROGRESS_MIN_VMS) return;
      const now = Date.now();
      // Redraw at most every intervalMs (terminals are slow), and always at the end.
      if (done < total && now - last < intervalMs) return;
      last = now;
      drawn = true;
      write(`\r\x1b[2K${formatRenderProgress(done, total, vm)}`);
    },
    finish() {
      if (drawn) write('\r\x1b[2K');
      drawn = false;
    },
  };
}
