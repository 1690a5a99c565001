/**
 * Every payload file of one VM (workload × platform), in its delivery's form:
 * - cloud-init: user-data.yaml (`#cloud-config`: write_files stages configs and the bootstrap,
 *   one runcmd runs it), plus bootstrap.sh, the readable copy of the script inside it;
 * - startup-script (GCE guest agent, every boot): startup-script.sh, the bootstrap with the
 *   configs embedded;
 * - shell (on-prem, bare metal, Packer): install.sh, the same self-contained script;
 * - bake: true adds bake.sh, and the payload above becomes the first-boot form that downloads nothing;
 * - always verify.sh and uninstall.sh.
 * The payload is fitted to the platform's user-data budget here, before anything is written
 * (fit-payload.ts: raw, compressed where the platform allows it, or a USERDATA_TOO_LARGE error).
 */
import type { PlatformModel } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FileMode } from '../bundle/bundle.js';
import { safeHeader } from '../vm/safe-header.js';
import { fitPayload } from './fit-payload.js';
import { PAYLOAD_FILE, VM_SCRIPTS } from '../bundle/layout.js';
import { renderBake, renderBootstrap, vmPayloadFiles, type VmInputs } from './bootstrap.js';
import { buildCloudConfig, renderCloudConfig } from './cloud-config.js';
import { renderUninstall } from './uninstall.js';
import { VERIFY_VM_PATH } from './vm-paths.js';

/** One payload file, named relative to the VM's bundle directory. */
export interface PayloadFile {
  name: string;
  /** Text, or bytes for a payload stored compressed (fit-payload.ts). */
  content: string | Uint8Array;
  mode: FileMode;
}

/** The rendered payload files of one VM, the payload hash (its version marker) and budget findings. */
export interface VmPayload {
  files: PayloadFile[];
  payloadHash: string;
  diagnostics: Diagnostic[];
}

/** Renders every payload file of one workload on one platform (flavor istio). */
export function renderVmPayload(vm: VmInputs): VmPayload {
  const { model, workload, placement, platform } = vm;
  const vmFiles = vmPayloadFiles(vm);
  const boot = renderBootstrap(vm, platform.bake ? 'firstboot' : 'full', vmFiles);
  const files: PayloadFile[] = [];
  const cloudInit = platform.delivery === 'cloud-init';
  const fitted = fitPayload(cloudInit ? renderCloudConfig(buildCloudConfig(boot.script), safeHeader(model)) : boot.script, platform, placement.pointer, workload.name);
  files.push({ name: fitted.name, content: fitted.content, mode: cloudInit ? 0o644 : 0o755 });
  if (cloudInit) files.push({ name: VM_SCRIPTS.bootstrap, content: boot.script, mode: 0o755 });
  if (platform.bake) files.push({ name: VM_SCRIPTS.bake, content: renderBake(vm, vmFiles), mode: 0o755 });
  // The bundle's verify.sh is the script the payload installs as vmonboard-verify (payloadFiles always stages it): render it once.
  const verify = vmFiles.ownStaged.find((f) => f.vmPath === VERIFY_VM_PATH)?.content;
  if (verify === undefined) throw new Error(`internal error: no ${VERIFY_VM_PATH} among the staged payload files`);
  files.push({ name: VM_SCRIPTS.verify, content: verify, mode: 0o755 });
  files.push({ name: VM_SCRIPTS.uninstall, content: renderUninstall(vm, boot.files), mode: 0o755 });
  return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)), payloadHash: boot.payloadHash, diagnostics: fitted.diagnostics };
}
