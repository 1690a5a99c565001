/**
 * Flavor gloo: what public sources support. Where a fact is NOT FOUND
 * (../shared/reference/gloo-vm-facts.md §1.3, §3, §5), the combination is an error, not a guess.
 */
import type { Rule } from './rule.js';
import { attestationKeyOf } from './platforms.js';
import { OS_FORMAT } from '../../../artifacts/catalog.js';

/** The gloo section is present exactly when flavor is gloo. */
export const glooSection: Rule = {
  name: 'gloo-section',
  check({ spec, report }) {
    if (spec.mesh.flavor === 'gloo' && !spec.gloo) {
      report('GLOO_SECTION_MISSING', '', 'flavor gloo needs a "gloo" section with at least the Gloo Platform version (gloo.version)');
    }
    if (spec.mesh.flavor === 'istio' && spec.gloo) {
      report('GLOO_SECTION_UNUSED', '/gloo', 'the gloo section is ignored with flavor istio; remove it or set mesh.flavor: gloo', { atKey: true });
    }
  },
};

/** Gloo platforms use join tokens on amd64 Debian/Ubuntu only, as far as public sources show. */
export const glooSupport: Rule = {
  name: 'gloo-support',
  check({ spec, report }) {
    if (spec.mesh.flavor !== 'gloo') return;
    spec.platforms.forEach((p, i) => {
      const att = attestationKeyOf(p);
      if (att !== undefined && att !== 'joinToken') {
        report('GLOO_UNSUPPORTED', `/platforms/${i}/${att}`, `meshctl external-workload onboard is only documented with --attestor token; ${att} attestation under flavor gloo is not publicly documented`, {
          atKey: true,
          hint: 'use joinToken on this platform, or flavor istio for cloud attestation (see docs/gloo.md)',
        });
      }
      const rpm = p.targets.os.filter((os) => OS_FORMAT[os] === 'rpm');
      if (rpm.length > 0) {
        report('GLOO_UNSUPPORTED', `/platforms/${i}/targets/os`, `gloo-workload-agent is only published as a .deb; ${rpm.join(', ')} would need an rpm that no public source shows`, {
          hint: 'target ubuntu-22.04, ubuntu-24.04 or debian-12, or use flavor istio',
        });
      }
      if (p.targets.arch.includes('arm64')) {
        report('GLOO_UNSUPPORTED', `/platforms/${i}/targets/arch`, 'gloo-workload-agent is only published for amd64; no public source shows an arm64 build', {
          hint: 'target amd64, or use flavor istio',
        });
      }
    });
  },
};
