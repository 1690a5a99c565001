/**
 * The payload translator of flavor gloo (issue 10): for every workload × placement, the first-boot
 * payload in its platform's delivery form plus verify.sh and uninstall.sh, in
 * vms/<namespace>/<workload>/<platform>/ (src/bundle/layout.ts). Flavor gloo has no agent config files of
 * its own: `meshctl ew onboard` writes the VM's configuration (gloo-vm-facts.md §1, §3).
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Model } from '../../model/model.js';
import type { BundleBuilder } from '../../bundle/bundle.js';
import { platformOf } from '../../vm/platform-of.js';
import { vmDir } from '../../bundle/layout.js';
import { GLOO_VM_ATTESTATIONS } from '../../cluster/gloo/external-workloads.js';
import { renderGlooVmPayload } from './payload.js';
import { BuildCache } from '../../translate/build-cache.js';
import { runPerVm, type PerVmTranslator } from '../../translate/per-vm.js';

/** The payload files of one Gloo VM, with its byte-budget findings; the mirror-CA warning comes after every VM's. */
export const glooPayloadsPerVm: PerVmTranslator = {
  each(model, { workload, placement }, out) {
    if (model.flavor !== 'gloo' || !model.gloo) return [];
    const platform = platformOf(model, placement);
    // Only join-token VMs can onboard (--attestor token); the rules and the cluster translator report the rest.
    if (!GLOO_VM_ATTESTATIONS.includes(platform.attestation.type)) return [];
    const payload = renderGlooVmPayload(model, workload, placement, platform);
    const dir = vmDir(workload, placement.platform);
    for (const f of payload.files) out.add(`${dir}/${f.name}`, f.content, { mode: f.mode, source: placement.pointer });
    return payload.diagnostics;
  },
  after(model) {
    if (model.flavor !== 'gloo' || !model.gloo) return [];
    const mirror = model.artifacts.mirror?.replace(/\/+$/, '');
    const fromMirror = model.artifacts.pins.some((p) => (p.component === 'gloo-workload-agent' || p.component === 'istio-sidecar') && mirror !== undefined && p.url.startsWith(`${mirror}/`));
    if (!model.artifacts.mirrorCA || !fromMirror) return [];
    // The bootstrap trusts the mirror CA for its own downloads (curl --cacert); meshctl fetches
    // --gloo/--istio again itself, with TLS settings no public source describes (gloo-vm-facts.md §1.5).
    return [
      {
        severity: 'warning',
        code: 'GLOO_MESHCTL_MIRROR_CA',
        pointer: '/artifacts/mirrorCA',
        message: 'meshctl downloads the Gloo packages from the mirror itself and no source shows a CA option for it: add the mirror CA to the VMs\' system trust store (the payload trusts it only for its own downloads)',
      },
    ];
  },
};

/** Adds the payload files of every Gloo VM; returns the byte-budget findings. */
export function translateGlooPayloads(model: Model, out: BundleBuilder, cache: BuildCache = new BuildCache()): Diagnostic[] {
  return runPerVm(glooPayloadsPerVm, model, out, cache);
}
