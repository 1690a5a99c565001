/**
 * Renders the canonical bootstrap of one VM with its payload hash, and bake.sh. The payload hash
 * is the version marker the bootstrap records on the VM: sha256 over the script (rendered with an
 * empty hash) and every staged agent file, so a change to either makes a new payload that
 * converges, and the same payload again is a no-op.
 */
import type { Model, Placement, PlatformModel, WorkloadModel } from '../model/model.js';
import type { AgentFile } from '../vm/agent-file.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import { buildContext, type BootstrapContext } from './context.js';
import { renderShell } from './shell-helpers.js';
import { payloadFiles, type PayloadFiles } from './vm-files.js';
import { renderHashed } from './hashed-render.js';
import { late, sha256OfJoined } from '../translate/late-values.js';

/** Template of each flavor's bootstrap; flavor gloo is a later issue. */
const BOOTSTRAP_TEMPLATE = 'istio.sh.hbs';

/** A rendered bootstrap and what the delivery wrappers need from it. */
export interface RenderedBootstrap {
  script: string;
  payloadHash: string;
  context: BootstrapContext;
  files: PayloadFiles;
}

/**
 * sha256 of the script plus each staged file, NUL-separated (names included, so a rename changes
 * it). A late value (translate/late-values.ts): a VM family's template holds placeholder names,
 * so each VM's hash is taken over its own texts.
 */
function payloadHash(script: string, staged: ReadonlyArray<{ rel: string; content: string }>): string {
  return late([script, ...staged.flatMap((s) => [s.rel, s.content])], sha256OfJoined);
}

/** The inputs every script of one VM is rendered from. */
export interface VmInputs {
  model: Model;
  workload: WorkloadModel;
  placement: Placement;
  platform: PlatformModel;
  agentFiles: readonly AgentFile[];
  fetches: readonly AgentFetch[];
}

/**
 * Renders the bootstrap of one workload × platform: `full` installs and configures; `firstboot`
 * (platform.bake) configures and starts what bake.sh installed and downloads no package. Every
 * delivery gets the same self-contained script, agent files embedded: under cloud-init it travels
 * gzipped in write_files (cloud-config.ts), which is what fits a VM in EC2's 16 KiB.
 */
export function renderBootstrap(vm: VmInputs, mode: 'full' | 'firstboot', files: PayloadFiles = vmPayloadFiles(vm)): RenderedBootstrap {
  const context = buildContext(vm.model, vm.workload, vm.platform, files, vm.fetches, mode);
  const { script, hash } = renderHashed((h) => renderShell(BOOTSTRAP_TEMPLATE, { ...context, payloadHash: h }), (unhashed) => payloadHash(unhashed, files.agentStaged));
  return { script, payloadHash: hash, context: { ...context, payloadHash: hash }, files };
}

/** The payload files of one VM (what its scripts stage, fetch and place). */
export function vmPayloadFiles(vm: VmInputs): PayloadFiles {
  return payloadFiles(vm.model, vm.workload, vm.placement, vm.platform, vm.agentFiles, vm.fetches);
}

/** Renders bake.sh: installs the pinned packages and the SPIRE agent into an image; no identity, no config. */
export function renderBake(vm: VmInputs, files: PayloadFiles = vmPayloadFiles(vm)): string {
  return renderShell('bake.sh.hbs', buildContext(vm.model, vm.workload, vm.platform, files, vm.fetches, 'bake'));
}
