/**
 * Renders the canonical bootstrap of one VM with its payload hash, and bake.sh. The payload hash
 * is the version marker the bootstrap records on the VM: sha256 over the script (rendered with an
 * empty hash) and every staged agent file, so a change to either makes a new payload that
 * converges, and the same payload again is a no-op.
 */
import { createHash } from 'node:crypto';
import type { Model, Placement, PlatformModel, WorkloadModel } from '../model/model.js';
import type { AgentFile } from '../vm/agent-file.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import { buildContext, type BootstrapContext } from './context.js';
import { renderShell } from './shell-helpers.js';
import { payloadFiles, type PayloadFiles } from './vm-files.js';

/** Template of each flavor's bootstrap; flavor gloo is a later issue. */
const BOOTSTRAP_TEMPLATE = 'istio.sh.hbs';

/** A rendered bootstrap and what the delivery wrappers need from it. */
export interface RenderedBootstrap {
  script: string;
  payloadHash: string;
  /** Agent files the delivery stages itself (cloud-init write_files); empty when the script embeds them. */
  staged: Array<{ rel: string; content: string }>;
  context: BootstrapContext;
  files: PayloadFiles;
}

/** sha256 of the script plus each staged file, NUL-separated (names included, so a rename changes it). */
function payloadHash(script: string, staged: ReadonlyArray<{ rel: string; content: string }>): string {
  const h = createHash('sha256');
  h.update(script);
  for (const s of staged) h.update(`\0${s.rel}\0${s.content}`);
  return h.digest('hex');
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
 * (platform.bake) configures and starts what bake.sh installed and downloads no package. Under
 * cloud-init the agent files are staged by write_files, so the script does not embed them.
 */
export function renderBootstrap(vm: VmInputs, mode: 'full' | 'firstboot'): RenderedBootstrap {
  const files = payloadFiles(vm.model, vm.workload, vm.placement, vm.platform, vm.agentFiles, vm.fetches);
  const viaWriteFiles = vm.platform.delivery === 'cloud-init';
  const context = buildContext(vm.model, vm.workload, vm.platform, files, vm.fetches, mode, !viaWriteFiles);
  const staged = viaWriteFiles ? files.agentStaged.map(({ rel, content }) => ({ rel, content })) : [];
  const hash = payloadHash(renderShell(BOOTSTRAP_TEMPLATE, context), files.agentStaged);
  const final = { ...context, payloadHash: hash };
  return { script: renderShell(BOOTSTRAP_TEMPLATE, final), payloadHash: hash, staged, context: final, files };
}

/** Renders bake.sh: installs the pinned packages and the SPIRE agent into an image; no identity, no config. */
export function renderBake(vm: VmInputs): string {
  const files = payloadFiles(vm.model, vm.workload, vm.placement, vm.platform, vm.agentFiles, vm.fetches);
  return renderShell('bake.sh.hbs', buildContext(vm.model, vm.workload, vm.platform, files, vm.fetches, 'bake', false));
}
