/**
 * The translators that turn a Model into bundle files, in order. Each one is pure: it reads the
 * model, adds files to the builder and returns diagnostics (for example cross-artifact
 * consistency findings). Adding an output means adding one entry here.
 */
import type { Translator } from './translate/translator.js';
import type { PerVmTranslator } from './translate/per-vm.js';
import { translateBundleReadme } from './bundle/readme.js';
import { agentFilesPerVm, translateAgentFiles } from './vm/translate-agent-files.js';
import { checkClusterFiles, translateClusterValues } from './cluster/translate.js';
import { payloadsPerVm, translatePayloads } from './delivery/translate.js';
import { translateGlooCluster } from './cluster/gloo/translate.js';
import { glooPayloadsPerVm, translateGlooPayloads } from './delivery/gloo/translate.js';
import { offboardScriptsPerVm, translateOffboardScripts } from './cluster/offboard-script.js';

/** The translator shape (src/translate/translator.ts), re-exported for the registry's callers. */
export type { Translator };

/**
 * One registered translator. `perVm`, when present, is the same translator VM by VM (`run` is its
 * loop): the parallel renderer shards it across worker threads; everything else runs once, in
 * this order, once every VM is in (so a translator may read what the per-VM ones wrote).
 */
export interface TranslatorEntry {
  name: string;
  run: Translator;
  perVm?: PerVmTranslator;
}

/** Registered translators (cluster side, VM agent configs, payloads, bundle README/manifest). */
export const translators: TranslatorEntry[] = [
  // VM agent configs, flavor istio (issue 4): vms/<namespace>/<workload>/<platform>/{istio,spire,systemd,otel}/.
  { name: 'vm-agent-files', run: translateAgentFiles, perVm: agentFilesPerVm },
  // First-boot payloads, flavor istio (issue 5): vms/<namespace>/<workload>/<platform>/ payload, bake.sh, verify.sh, uninstall.sh.
  { name: 'vm-payloads', run: translatePayloads, perVm: payloadsPerVm },
  // Cluster side, flavor istio (issue 3): cluster/ values, IAM, README and our chart.
  { name: 'cluster', run: translateClusterValues },
  // Its consistency check, after the VM translators on purpose: it reads the VM files from the bundle.
  { name: 'cluster-consistency', run: checkClusterFiles },
  // Cluster side, flavor gloo (issue 10): cluster/ gloo-platform values, istiod and gateway values,
  // ExternalWorkloads and the east-west Service through our chart, README. Flavor istio renders nothing here.
  { name: 'cluster-gloo', run: translateGlooCluster },
  // First-boot payloads, flavor gloo (issue 10): vms/<namespace>/<workload>/<platform>/ payload (meshctl ew onboard), verify.sh, uninstall.sh.
  { name: 'vm-payloads-gloo', run: translateGlooPayloads, perVm: glooPayloadsPerVm },
  // Cluster-side offboarding scripts, both flavors: cluster/offboard/<namespace>/<workload>/<platform>.sh,
  // one per VM (their README is the cluster translators').
  { name: 'cluster-offboard', run: translateOffboardScripts, perVm: offboardScriptsPerVm },
  // Bundle README (issue 6), after the payload translators on purpose: it names the payload file
  // each VM directory holds, which is compressed when the raw payload is over its platform's
  // limit (issue 15 §11). MANIFEST.json is added by buildBundle after every translator ran.
  { name: 'bundle-readme', run: translateBundleReadme },
];
