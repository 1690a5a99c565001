/**
 * Findings a reviewer would give on a spec that is valid but probably not what was meant
 * (issue 16): a platform no workload runs on, a probe on a port the workload does not serve, an
 * AWS region that does not exist, an OS listed twice in per-OS targets.
 */
import type { Rule } from './rule.js';
import { AWS_REGIONS } from '../../../platforms/aws-regions.js';
import { didYouMean } from '../../../diagnostics/suggest.js';
import { displayPath } from '../../../diagnostics/paths.js';

/** A platform that no workload names: it renders nothing and opens nothing, so it is probably a leftover or a typo's target. */
export const platformUnused: Rule = {
  name: 'platform-unused',
  check({ spec, report }) {
    const used = new Set(spec.workloads.flatMap((w) => w.platforms.map((p) => p.name)));
    spec.platforms.forEach((p, i) => {
      if (!used.has(p.name)) {
        report('PLATFORM_UNUSED', `/platforms/${i}/name`, `platform "${p.name}" is not used by any workload: nothing is rendered for it and the firewall table leaves it out`, {
          hint: 'add it to a workload\'s platforms, or remove it',
        });
      }
    });
  },
};

/** A probe's port (httpGet, tcpSocket, grpc) is one of the workload's ports. */
export const probePort: Rule = {
  name: 'probe-port',
  check({ spec, report }) {
    spec.workloads.forEach((w, wi) => {
      const probe = w.probe;
      if (!probe) return;
      const declared = new Set((w.ports ?? []).map((p) => p.number));
      for (const h of ['httpGet', 'tcpSocket', 'grpc'] as const) {
        const port = probe[h]?.port;
        if (port === undefined || declared.has(port)) continue;
        const list = [...declared].sort((a, b) => a - b).join(', ');
        report('PROBE_PORT_UNDECLARED', `/workloads/${wi}/probe/${h}/port`, `the ${h} probe of "${w.name}" checks port ${port}, which ${displayPath(`/workloads/${wi}/ports`)} does not declare${list ? ` (declared: ${list})` : ' (it declares none)'}`, {
          hint: `probe a declared port, or add port ${port} to the workload's ports`,
        });
      }
    });
  },
};

/** AWS region names exist (the SDK's partition data; new regions make this a warning only). */
export const awsRegions: Rule = {
  name: 'aws-regions',
  check({ spec, report }) {
    const known = [...AWS_REGIONS.keys()];
    spec.platforms.forEach((p, i) => {
      if (!p.aws) return;
      const check = (region: string, pointer: string): void => {
        if (AWS_REGIONS.has(region)) return;
        const hint = didYouMean(region, known);
        report('AWS_REGION_UNKNOWN', pointer, `"${region}" is not an AWS region in the AWS SDK's partition data this release ships (src/platforms/aws-regions.ts); check the spelling`, {
          hint: hint ?? 'check the spelling (for example us-east-1, eu-west-2); a region AWS opened recently may be missing from the list',
        });
      };
      p.aws.regions.forEach((r, j) => check(r, `/platforms/${i}/aws/regions/${j}`));
      const org = p.aws.verifyOrganization;
      if (org) check(org.managementAccountRegion, `/platforms/${i}/aws/verifyOrganization/managementAccountRegion`);
    });
  },
};

/** Per-OS targets name each OS once (its arches go in one entry). */
export const targetOsRepeated: Rule = {
  name: 'target-os-repeated',
  check({ spec, report }) {
    spec.platforms.forEach((p, i) => {
      if (!Array.isArray(p.targets)) return;
      const seen = new Map<string, number>();
      p.targets.forEach((t, j) => {
        const first = seen.get(t.os);
        if (first === undefined) seen.set(t.os, j);
        else report('TARGET_OS_REPEATED', `/platforms/${i}/targets/${j}/os`, `${t.os} is already listed in ${displayPath(`/platforms/${i}/targets/${first}`)}; list each OS once, with all its arches`);
      });
    });
  },
};
