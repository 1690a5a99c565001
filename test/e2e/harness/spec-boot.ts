/**
 * Boots one VM of any spec (a SpecVm from renderSpecForVm) the way its delivery reaches a real
 * machine, and returns every check by name: cloud-init user data through the NoCloud seed; a GCE
 * startup-script through the guest agent's runner unit reading the metadata stub; an on-prem or
 * bare-metal install.sh run by an operator's root shell. On top of the first-boot checks: the
 * SPIRE server stand-in attested the node and matched its alias, and the mirror served every
 * bootable pin while the unbootable lock entries were never asked for.
 */
import { selectPins } from '../../../src/delivery/pins.js';
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
  const sinceSeq = (env.control.events.all().at(-1)?.seq ?? -1) + 1;
  const attestedBefore = env.control.spireServer.attestations.length;
  const mirrorSince = Date.now();
  const machine = await env.boot({
    ...(sv.delivery === 'cloud-init' ? { userData: sv.payload } : {}),
    beforeBoot: (root) => {
      placeSpecVmFiles(root, sv);
      if (sv.delivery === 'startup-script') installGceStartupRunner(root);
    },
  });
  const checks: FirstBootCheck[] = [];
  if (sv.delivery === 'shell') {
    // An operator's root shell: HOME set, no metadata override needed (on-prem, bare metal).
    await machine.container.writeFile(`/root/${sv.payloadName}`, sv.payload, '0755');
    const r = await machine.container.exec(['bash', '-c', `cd /root && ./${sv.payloadName}`], { env: { HOME: '/root' }, timeoutMs: 400_000 });
    checks.push({ name: `${sv.payloadName} run by an operator exits 0`, problems: r.code === 0 ? [] : [`exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n').slice(-8).join(' / ')}`] });
  }
  checks.push(...(await listFirstBootChecks(machine.container, env, sv.spec.specPath, sv.vm, { sinceSeq, delivery: sv.delivery, gatewayAddress: sv.gatewayAddress, skipVerify: opts.skipVerify })));

  const attested = env.control.spireServer.attestations.slice(attestedBefore);
  const placement = sv.model.workloads.find((w) => w.name === sv.vm.workload)!.placements.find((p) => p.platform === sv.vm.platform)!;
  const ok = attested.find((a) => 'aliases' in a.reply && a.reply.aliases.includes(placement.nodeAliasId));
  checks.push({
    name: `SPIRE node attestation (${sv.platform.attestation.type}) matched the alias ${placement.nodeAliasId}`,
    problems: ok ? [] : [attested.length === 0 ? 'the agent never attested' : attested.map((a) => JSON.stringify(a.reply)).join('; ')],
  });

  // What this payload downloads on Debian amd64 (src/delivery/pins.ts): the deb/amd64 packages and the amd64 SPIRE tarball.
  const got = new Set(env.mirror.downloads(mirrorSince).map((r) => r.path));
  const pins = selectPins(sv.model, sv.platform);
  const wanted = [...(pins.packages.find((p) => p.key === 'deb/amd64')?.packages ?? []), ...pins.spire.filter((s) => s.arch === 'amd64')];
  const missing = wanted.map((p) => new URL(p.url).pathname).filter((u) => !got.has(u));
  const unwanted = sv.unbootable.map((u) => `/${u.mirrorPath}`).filter((u) => env.mirror.requests.some((r) => r.at >= mirrorSince && r.path === u));
  checks.push({
    name: `artifacts: the platform's amd64 pins came from the mirror; ${sv.unbootable.length} unbootable lock entries never requested`,
    problems: [...missing.map((u) => `never downloaded ${u}`), ...unwanted.map((u) => `requested the unbootable ${u}`)],
  });
  return { machine, checks, sinceSeq };
}
