/**
 * Where each VM's files live in the bundle. Shared by the agent-file and payload translators, the
 * bundle README, `vmonboard userdata`, `explain`, `diff` and the EC2 command, so they never disagree
 * on a path. It belongs to the bundle (src/bundle/), not to one of the translators that fill it.
 */
import type { Delivery, Model, WorkloadKey } from '../model/model.js';

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

/**
 * How a payload file is encoded in the bundle. A payload over its platform's user-data limit is
 * stored compressed when the platform's consumer can decompress it (issue 15 §11): gzip for EC2
 * and Azure (cloud-init recognises gzip by its magic bytes), gzip+base64 for GCE user-data (a
 * metadata value is text; cloud-init decodes it with `user-data-encoding: base64`).
 */
export type PayloadEncoding = 'raw' | 'gzip' | 'gzip+base64';

/** File-name suffix of each payload encoding. */
const ENCODING_SUFFIX: Record<PayloadEncoding, string> = { raw: '', gzip: '.gz', 'gzip+base64': '.gz.b64' };

/** The payload's file name for a delivery and encoding ("user-data.yaml.gz"). */
export function payloadFileName(delivery: Delivery, encoding: PayloadEncoding): string {
  return `${PAYLOAD_FILE[delivery]}${ENCODING_SUFFIX[encoding]}`;
}

/** The payload file a VM directory of a bundle holds, and its encoding. */
export interface PayloadLocation {
  path: string;
  fileName: string;
  encoding: PayloadEncoding;
}

/**
 * Finds the payload file of one VM in a bundle (or a bundle being built): the raw file, or the
 * compressed one the renderer stored instead. Undefined when there is none.
 */
export function locatePayload(has: (path: string) => boolean, workload: WorkloadKey, platform: string, delivery: Delivery): PayloadLocation | undefined {
  for (const encoding of Object.keys(ENCODING_SUFFIX) as PayloadEncoding[]) {
    const fileName = payloadFileName(delivery, encoding);
    const path = `${vmDir(workload, platform)}/${fileName}`;
    if (has(path)) return { path, fileName, encoding };
  }
  return undefined;
}

/**
 * The payload file each VM directory of a bundle being built holds (what locatePayload finds),
 * for a builder that answers `has` where the VM files are not: a parallel build's end worker,
 * whose translators (the bundle README) ask which payload file a VM directory holds.
 */
export function listPayloadFiles(model: Model, has: (path: string) => boolean): string[] {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  const files: string[] = [];
  for (const w of model.workloads) {
    for (const pl of w.placements) {
      const p = byName.get(pl.platform)!;
      const found = locatePayload(has, w, p.name, p.delivery);
      if (found) files.push(found.path);
    }
  }
  return files;
}

/** Every name a payload file may have in a VM directory (each delivery, each encoding). */
const PAYLOAD_FILE_NAMES: ReadonlySet<string> = new Set(
  (Object.keys(PAYLOAD_FILE) as Delivery[]).flatMap((d) => (Object.keys(ENCODING_SUFFIX) as PayloadEncoding[]).map((e) => payloadFileName(d, e))),
);

/** True when `path` is where a VM directory's payload file may be (whether or not it is there). */
export function isPayloadPath(path: string): boolean {
  return path.startsWith('vms/') && PAYLOAD_FILE_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
}
