/**
 * Which VMs' first-boot payloads change: both specs are rendered in memory (buildBundle, the
 * same translators render uses) and each workload × platform's payload bytes compared. The old
 * model takes the new one's spec file name first, so the generated-file headers do not make
 * every payload differ when the two specs are different files.
 */
import type { Model } from '../model/model.js';
import { buildBundle } from '../build-bundle.js';
import { locatePayload } from '../bundle/layout.js';

/** VMs (as namespace/workload@platform) whose payload is new, gone or different. */
export interface PayloadChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

function payloads(model: Model): Map<string, string> {
  const { bundle } = buildBundle(model);
  const out = new Map<string, string>();
  for (const w of model.workloads) {
    for (const pl of w.placements) {
      const platform = model.platforms.find((p) => p.name === pl.platform)!;
      // Raw or stored compressed (fit-payload.ts): either way its bytes identify the payload.
      const found = locatePayload((p) => bundle.has(p), w, platform.name, platform.delivery);
      const f = found && bundle.get(found.path);
      if (!f) continue;
      out.set(`${w.namespace}/${w.name}@${platform.name}`, typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('base64'));
    }
  }
  return out;
}

/** Compares the payloads of two models. */
export function diffPayloads(oldM: Model, newM: Model): PayloadChanges {
  const before = payloads({ ...oldM, sourceName: newM.sourceName });
  const after = payloads(newM);
  return {
    added: [...after.keys()].filter((k) => !before.has(k)),
    removed: [...before.keys()].filter((k) => !after.has(k)),
    changed: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)),
  };
}
