/**
 * The `meshctl ew onboard` command line of one VM, flag for flag as Solo's CI runs it
 * (gloo-vm-facts.md §1.2: "Every workshop onboarding uses exactly these flags", 102 occurrences,
 * agent 2.5.0-rc3 to 2.9.1). No other flag is passed: the command's reference page is NOT FOUND
 * (§1.1), so any flag beyond these would be a guess. `--gateway-service-account` is passed only
 * for Gloo ≥ 2.6.0-rc1, where it first appears (§1.2). The join token is the one value computed
 * on the VM (read from the host file); every other value is a constant of the payload.
 */
import type { ArtifactPin, Model, WorkloadModel } from '../../model/model.js';
import { ONBOARD, takesGatewayServiceAccount } from '../../gloo/facts.js';

/** One argument: a literal word, or the join token read at boot. */
export type OnboardArg = { word: string } | { token: true };

/** The flags every sourced invocation uses, in the workshop order (`--gateway-service-account` from 2.6.0-rc1). */
export const ONBOARD_FLAGS = [
  '--install',
  '--attestor',
  '--join-token',
  '--cluster',
  '--gateway-addr',
  '--gateway-service-account',
  '--gateway',
  '--trust-domain',
  '--istio-rev',
  '--network',
  '--gloo',
  '--istio',
  '--ext-workload',
] as const;

/** The pins the command installs: `--gloo` (gloo-workload-agent .deb) and `--istio` (Solo istio-sidecar .deb). */
export interface OnboardPins {
  agent: ArtifactPin;
  sidecar: ArtifactPin;
}

/**
 * Builds the argv after `meshctl` (`ew onboard --install ...`). `--gloo`/`--istio` get the
 * mirror URLs whose bytes the payload has just verified (the flags are only seen with https URLs
 * of .deb files; local paths are NOT FOUND, §1.5).
 */
export function buildOnboardArgs(model: Model, workload: WorkloadModel, pins: OnboardPins): OnboardArg[] {
  const gloo = model.gloo;
  if (!gloo) throw new Error('flavor gloo model without a gloo section');
  const rev = model.mesh.revision;
  if (!rev) throw new Error('flavor gloo needs mesh.istio.revision (the rules reject specs without it)');
  const w = (word: string): OnboardArg => ({ word });
  return [
    w('ew'), w('onboard'), w('--install'),
    w('--attestor'), w(ONBOARD.attestor),
    w('--join-token'), { token: true },
    w('--cluster'), w(model.mesh.clusterName),
    w('--gateway-addr'), w(model.gateway.address),
    ...(takesGatewayServiceAccount(gloo.version) ? [w('--gateway-service-account'), w(gloo.gatewayServiceAccount)] : []),
    w('--gateway'), w(`${model.gateway.namespace}/${model.gateway.name}`),
    w('--trust-domain'), w(model.mesh.trustDomain),
    w('--istio-rev'), w(rev),
    w('--network'), w(model.mesh.vmNetwork),
    w('--gloo'), w(pins.agent.url),
    w('--istio'), w(pins.sidecar.url),
    w('--ext-workload'), w(`${workload.namespace}/${workload.name}`),
  ];
}
