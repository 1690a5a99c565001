/**
 * Finds the first-boot payload of one workload on one platform in a rendered bundle. The
 * platform's delivery decides which file it is (layout.ts PAYLOAD_FILE), so `vmonboard
 * userdata` and the EC2 command always send exactly what `render` writes.
 */
import type { Bundle } from '../bundle/bundle.js';
import type { Model, PlatformModel } from '../model/model.js';
import { PAYLOAD_FILE, vmDir } from '../delivery/layout.js';

/** A workload or platform name that does not fit the spec (a command-line mistake). */
export class PayloadLookupError extends Error {}

/** The payload found, with its platform. */
export interface VmPayload {
  /** Bundle path of the payload file. */
  path: string;
  /** File name (user-data.yaml, startup-script.sh, install.sh). */
  fileName: string;
  content: Buffer;
  platform: PlatformModel;
}

/**
 * Returns the payload of `workload` on `platform`. Throws PayloadLookupError naming the valid
 * choices when the workload, the platform or the placement does not exist, and a plain Error
 * when the bundle lacks the file (a translator bug).
 */
export function findVmPayload(model: Model, bundle: Bundle, workload: string, platform: string): VmPayload {
  const w = model.workloads.find((x) => x.name === workload);
  if (!w) throw new PayloadLookupError(`the spec has no workload ${JSON.stringify(workload)}; workloads: ${model.workloads.map((x) => x.name).join(', ')}`);
  const p = model.platforms.find((x) => x.name === platform);
  if (!p) throw new PayloadLookupError(`the spec has no platform ${JSON.stringify(platform)}; platforms: ${model.platforms.map((x) => x.name).join(', ')}`);
  if (!w.placements.some((pl) => pl.platform === platform)) {
    throw new PayloadLookupError(`workload ${workload} does not run on platform ${platform}; it runs on: ${w.placements.map((pl) => pl.platform).join(', ')}`);
  }
  const fileName = PAYLOAD_FILE[p.delivery];
  const path = `${vmDir(workload, platform)}/${fileName}`;
  const f = bundle.get(path);
  if (!f) throw new Error(`the rendered bundle has no ${path} for delivery ${p.delivery}`);
  return { path, fileName, content: Buffer.from(f.content), platform: p };
}
