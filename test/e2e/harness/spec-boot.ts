/**
 * Boots one VM of any spec (a SpecVm from renderSpecForVm) the way its delivery reaches a real
 * machine, and returns every check by name: cloud-init user data through the NoCloud seed; a GCE
 * startup-script through the guest agent's runner unit reading the metadata stub; an on-prem or
 * bare-metal install.sh run by an operator's root shell. On top of the first-boot checks: the
 * SPIRE server stand-in attested the node and matched its alias, and the mirror served every
 * bootable pin while the unbootable lock entries were never asked for. A baked platform runs
 * bake.sh first, in the build instance, and its first boot must download nothing.
 */
import { selectPins } from '../../../src/delivery/pins.js';
import { findWorkload } from '../../../src/model/find-workload.js';
import type { E2eEnv, Machine } from './e2e-env.js';
import { listFirstBootChecks, type FirstBootCheck } from './first-boot-checks.js';
import { installGceStartupRunner } from './gce-startup-runner.js';
import { placeSpecVmFiles, type SpecVm } from './render-spec.js';

/** A booted SpecVm and its checks. */
export interface SpecBoot {
  machine: Machine;
  checks: FirstBootCheck[];
  /** Event sequence number where this boot's reports begin. */
  sinceSeq: number;
}

/** Boots `sv` in a fresh machine and runs every check (the caller disposes the machine). */
export async function bootSpecVm(env: E2eEnv, sv: SpecVm, opts: { skipVerify?: boolean } = {}): Promise<SpecBoot> {
  const bake = sv.platform.bake;
  let sinceSeq = (env.control.events.all().at(-1)?.seq ?? -1) + 1;
  const attestedBefore = env.identity.spireServer.attestations.length;
  const mirrorSince = Date.now();
  const machine = await env.boot({
    ...(sv.delivery === 'cloud-init' && !bake ? { userData: sv.payload } : {}),
    beforeBoot: (root) => {
      placeSpecVmFiles(root, sv);
      if (sv.delivery === 'startup-script' && !bake) installGceStartupRunner(root);
    },
  });
  const checks: FirstBootCheck[] = [];
  let firstBootSince = mirrorSince;
  if (bake) {
    // An image pipeline (as bake-first-boot.test.ts): bake.sh in the build instance, the image
    // cleaned, then the instance boots as a new one with only the first-boot payload.
    await machine.container.writeFile('/root/bake.sh', sv.vm.file('bake.sh'), '0755');
    const r = await machine.container.exec(['bash', '/root/bake.sh'], { env: { HOME: '/root' }, timeoutMs: 400_000 });
    checks.push({ name: 'bake.sh (the image pipeline) exits 0', problems: r.code === 0 ? [] : [`exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n').slice(-8).join(' / ')}`] });
    await machine.container.sh('cloud-init clean --logs');
    if (sv.delivery === 'startup-script') installGceStartupRunner(machine.root);
    sinceSeq = (env.control.events.all().at(-1)?.seq ?? -1) + 1;
    firstBootSince = Date.now();
    await machine.restart(sv.delivery === 'cloud-init' ? { userData: sv.payload, instanceId: `iid-${machine.name}-first-boot` } : {});
  }
  if (sv.delivery === 'shell') {
    // An operator's root shell: HOME set, no metadata override needed (on-prem, bare metal).
    await machine.container.writeFile(`/root/${sv.payloadName}`, sv.payload, '0755');
    const r = await machine.container.exec(['bash', '-c', `cd /root && ./${sv.payloadName}`], { env: { HOME: '/root' }, timeoutMs: 400_000 });
    checks.push({ name: `${sv.payloadName} run by an operator exits 0`, problems: r.code === 0 ? [] : [`exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n').slice(-8).join(' / ')}`] });
  }
  checks.push(...(await listFirstBootChecks(machine.container, env, sv.spec.specPath, sv.vm, { sinceSeq, delivery: sv.delivery, gatewayAddress: sv.gatewayAddress, skipVerify: opts.skipVerify })));

  const attested = env.identity.spireServer.attestations.slice(attestedBefore);
  const placement = findWorkload(sv.model.workloads, sv.vm.workload).placements.find((p) => p.platform === sv.vm.platform)!;
  const ok = attested.find((a) => 'aliases' in a.reply && a.reply.aliases.includes(placement.nodeAliasId));
  checks.push({
    name: `SPIRE node attestation (${sv.platform.attestation.type}) matched the alias ${placement.nodeAliasId}`,
    problems: ok ? [] : [attested.length === 0 ? 'the agent never attested' : attested.map((a) => JSON.stringify(a.reply)).join('; ')],
  });

  // What this payload downloads on Debian amd64 (src/delivery/pins.ts): the deb/amd64 packages and the amd64 SPIRE tarball.
  const got = new Set(env.mirror.downloads(mirrorSince).filter((r) => !bake || r.at < firstBootSince).map((r) => r.path));
  const pins = selectPins(sv.model, sv.platform);
  const wanted = [...(pins.packages.find((p) => p.key === 'deb/amd64')?.packages ?? []), ...pins.spire.filter((s) => s.arch === 'amd64')];
  const missing = wanted.map((p) => new URL(p.url).pathname).filter((u) => !got.has(u));
  const unwanted = sv.unbootable.map((u) => `/${u.mirrorPath}`).filter((u) => env.mirror.requests.some((r) => r.at >= mirrorSince && r.path === u));
  const afterBake = bake ? env.mirror.requests.filter((r) => r.at >= firstBootSince).map((r) => `the first boot of the baked image requested ${r.path}`) : [];
  checks.push({
    name: `artifacts: the platform's amd64 pins came from the mirror${bake ? ' during the bake, nothing at first boot' : ''}; ${sv.unbootable.length} unbootable lock entries never requested`,
    problems: [...missing.map((u) => `never downloaded ${u}`), ...unwanted.map((u) => `requested the unbootable ${u}`), ...afterBake],
  });
  return { machine, checks, sinceSeq };
}
