/**
 * Every payload file of one Gloo VM (workload × platform), in its delivery's form, reusing the
 * delivery wrappers and payload fitting of issue 5 (src/delivery/payloads.ts, cloud-config.ts):
 * - cloud-init: user-data.yaml (`#cloud-config` with the bootstrap in write_files and one runcmd)
 *   plus bootstrap.sh, the readable copy;
 * - startup-script: startup-script.sh; shell (on-prem, bare metal): install.sh;
 * - always verify.sh and uninstall.sh.
 * The payload hash, the version marker the bootstrap records, is the sha256 of the script rendered
 * with an empty hash: the script embeds everything it stages (only the mirror CA), so nothing else
 * can change without changing it.
 */
import type { Model, Placement, PlatformModel, WorkloadModel } from '../../model/model.js';
import { safeHeader } from '../../vm/safe-header.js';
import { renderShell } from '../shell-helpers.js';
import { VM_SCRIPTS } from '../../bundle/layout.js';
import { buildCloudConfig, renderCloudConfig } from '../cloud-config.js';
import type { VmPayload, PayloadFile } from '../payloads.js';
import { fitPayload } from '../fit-payload.js';
import { buildGlooContext } from './context.js';
import { renderHashed } from '../hashed-render.js';
import { late, sha256OfJoined } from '../../translate/late-values.js';

/** Templates of flavor gloo (under templates/bootstrap/). */
export const GLOO_TEMPLATES = {
  bootstrap: 'gloo/bootstrap.sh.hbs',
  uninstall: 'gloo/uninstall.sh.hbs',
  verify: 'gloo/verify.sh.hbs',
} as const;

/** Renders the Gloo bootstrap of one VM with its payload hash. */
export function renderGlooBootstrap(model: Model, workload: WorkloadModel, platform: PlatformModel): { script: string; payloadHash: string } {
  const context = buildGlooContext(model, workload, platform, 'bootstrap');
  // The hash of the script: a late value (translate/late-values.ts), taken over each VM's own script.
  const { script, hash } = renderHashed((h) => renderShell(GLOO_TEMPLATES.bootstrap, { ...context, payloadHash: h }), (unhashed) => late([unhashed], sha256OfJoined));
  return { script, payloadHash: hash };
}

/** Renders every payload file of one workload on one platform (flavor gloo). */
export function renderGlooVmPayload(model: Model, workload: WorkloadModel, placement: Placement, platform: PlatformModel): VmPayload {
  const boot = renderGlooBootstrap(model, workload, platform);
  const files: PayloadFile[] = [];
  const cloudInit = platform.delivery === 'cloud-init';
  const fitted = fitPayload(cloudInit ? renderCloudConfig(buildCloudConfig(boot.script), safeHeader(model)) : boot.script, platform, placement.pointer, workload.name);
  files.push({ name: fitted.name, content: fitted.content, mode: cloudInit ? 0o644 : 0o755 });
  if (cloudInit) files.push({ name: VM_SCRIPTS.bootstrap, content: boot.script, mode: 0o755 });
  files.push({ name: VM_SCRIPTS.verify, content: renderShell(GLOO_TEMPLATES.verify, buildGlooContext(model, workload, platform, 'verify')), mode: 0o755 });
  files.push({ name: VM_SCRIPTS.uninstall, content: renderShell(GLOO_TEMPLATES.uninstall, buildGlooContext(model, workload, platform, 'uninstall')), mode: 0o755 });
  return {
    files: files.sort((a, b) => (a.name < b.name ? -1 : 1)),
    payloadHash: boot.payloadHash,
    diagnostics: fitted.diagnostics,
  };
}
