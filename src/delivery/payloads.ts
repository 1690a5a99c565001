/**
 * Every payload file of one VM (workload × platform), in its delivery's form:
 * - cloud-init: user-data.yaml (`#cloud-config`: write_files stages configs and the bootstrap,
 *   one runcmd runs it), plus bootstrap.sh, the readable copy of the script inside it;
 * - startup-script (GCE guest agent, every boot): startup-script.sh, the bootstrap with the
 *   configs embedded;
 * - shell (on-prem, bare metal, Packer): install.sh, the same self-contained script;
 * - bake: true adds bake.sh, and the payload above becomes the first-boot form that downloads nothing;
 * - always verify.sh and uninstall.sh.
 * The payload's bytes are checked against the platform's user-data budget here, before anything
 * is written (architecture guide §5).
 */
import { gzipSync } from 'node:zlib';
import type { PlatformModel } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FileMode } from '../bundle/bundle.js';
import { safeHeader } from '../vm/safe-header.js';
import { userDataBudget } from '../platforms/facts.js';
import { PAYLOAD_FILE, VM_SCRIPTS } from './layout.js';
import { renderBake, renderBootstrap, vmPayloadFiles, type VmInputs } from './bootstrap.js';
import { buildCloudConfig, renderCloudConfig } from './cloud-config.js';
import { renderUninstall } from './uninstall.js';
import { VERIFY_VM_PATH } from './vm-paths.js';

/** One payload file, named relative to the VM's bundle directory. */
export interface PayloadFile {
  name: string;
  content: string;
  mode: FileMode;
}

/** The rendered payload files of one VM, the payload hash (its version marker) and budget findings. */
export interface VmPayload {
  files: PayloadFile[];
  payloadHash: string;
  diagnostics: Diagnostic[];
}

/** Checks the payload against its platform's budget: an error when even gzip cannot fit, a note when only gzip fits. */
export function checkBudget(payload: string, platform: PlatformModel, pointer: string, label: string): Diagnostic[] {
  const budget = userDataBudget(platform.kind, platform.delivery);
  const raw = Buffer.byteLength(payload, 'utf8');
  if (!budget || raw <= budget.bytes) return [];
  const gz = gzipSync(Buffer.from(payload, 'utf8'), { level: 9 }).length;
  if (budget.gzipAllowed && gz <= budget.bytes) {
    return [{ severity: 'warning', code: 'PAYLOAD_GZIP_REQUIRED', pointer, message: `the ${label} payload is ${raw} bytes, over the ${budget.field} limit of ${budget.bytes}, so the bundle's file cannot be attached as it is; it fits gzipped (${gz} bytes): attach it gzipped (gzip -9), or use vmonboard userdata, which gzips it` }];
  }
  return [{ severity: 'error', code: 'USERDATA_TOO_LARGE', pointer, message: `the ${label} payload is ${raw} bytes (${gz} gzipped), over the ${budget.field} limit of ${budget.bytes}; serve large trust material by URL or shorten the configuration` }];
}

/** Renders every payload file of one workload on one platform (flavor istio). */
export function renderVmPayload(vm: VmInputs): VmPayload {
  const { model, workload, placement, platform } = vm;
  const vmFiles = vmPayloadFiles(vm);
  const boot = renderBootstrap(vm, platform.bake ? 'firstboot' : 'full', vmFiles);
  const files: PayloadFile[] = [];
  let payload: string;
  if (platform.delivery === 'cloud-init') {
    payload = renderCloudConfig(buildCloudConfig(boot.script), safeHeader(model));
    files.push({ name: PAYLOAD_FILE['cloud-init'], content: payload, mode: 0o644 });
    files.push({ name: VM_SCRIPTS.bootstrap, content: boot.script, mode: 0o755 });
  } else {
    payload = boot.script;
    files.push({ name: PAYLOAD_FILE[platform.delivery], content: payload, mode: 0o755 });
  }
  if (platform.bake) files.push({ name: VM_SCRIPTS.bake, content: renderBake(vm, vmFiles), mode: 0o755 });
  // The bundle's verify.sh is the script the payload installs as vmonboard-verify (payloadFiles always stages it): render it once.
  const verify = vmFiles.ownStaged.find((f) => f.vmPath === VERIFY_VM_PATH)?.content;
  if (verify === undefined) throw new Error(`internal error: no ${VERIFY_VM_PATH} among the staged payload files`);
  files.push({ name: VM_SCRIPTS.verify, content: verify, mode: 0o755 });
  files.push({ name: VM_SCRIPTS.uninstall, content: renderUninstall(vm, boot.files), mode: 0o755 });
  const label = `${workload.name}/${platform.name}`;
  return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)), payloadHash: boot.payloadHash, diagnostics: checkBudget(payload, platform, placement.pointer, label) };
}
