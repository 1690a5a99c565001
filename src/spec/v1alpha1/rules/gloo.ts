/**
 * Flavor gloo: what public sources support. Where a fact is NOT FOUND
 * (../shared/reference/gloo-vm-facts.md §1.3, §3, §5), the combination is an error, not a guess.
 */
import type { Rule } from './rule.js';
import { attestationKeyOf } from './platforms.js';
import { OS_FORMAT } from '../../../artifacts/catalog.js';
import { isPerOsTargets, listTargetEntries } from '../targets.js';
import { GLOO_MIN_VERSION, compareVersions } from '../../../gloo/facts.js';

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

/**
 * Gloo platforms use join tokens on amd64 Debian/Ubuntu only, as far as public sources show; the
 * onboarding command needs a Gloo 2.5+ release and an Istio revision, and installs the packages
 * itself, so there is nothing to bake into an image.
 */
export const glooSupport: Rule = {
  name: 'gloo-support',
  check({ spec, report }) {
    if (spec.mesh.flavor !== 'gloo') return;
    if (spec.gloo && compareVersions(spec.gloo.version, GLOO_MIN_VERSION) < 0) {
      report('GLOO_UNSUPPORTED', '/gloo/version', `gloo ${spec.gloo.version} predates the ExternalWorkload onboarding flow, which public sources show from Gloo ${GLOO_MIN_VERSION} on`, {
        hint: `use Gloo ${GLOO_MIN_VERSION} or newer, or flavor istio (see docs/gloo.md)`,
      });
    }
    if (!spec.mesh.istio.revision) {
      // Every sourced `meshctl ew onboard` passes --istio-rev (gloo-vm-facts.md §1.2); its default is not documented.
      report('GLOO_UNSUPPORTED', '/mesh/istio', 'flavor gloo needs mesh.istio.revision: every documented meshctl external-workload onboard call passes --istio-rev, and its default is not documented', {
        hint: 'set mesh.istio.revision to the revision of the workload cluster\'s istiod (for example 1-25)',
      });
    }
    if ((spec.mesh.istio.previousRevisions ?? []).length > 0) {
      // Gloo's east-west gateway and its istiod routes are Gloo's own (src/cluster/gloo), not our chart's.
      report('GLOO_UNSUPPORTED', '/mesh/istio/previousRevisions', 'flavor gloo routes istiod through Gloo\'s own east-west gateway configuration; no public source documents moving Gloo external workloads between Istio revisions', {
        atKey: true,
        hint: 'remove previousRevisions, or use flavor istio for canary revision upgrades',
      });
    }
    spec.platforms.forEach((p, i) => {
      if (p.bake === true) {
        report('GLOO_UNSUPPORTED', `/platforms/${i}/bake`, `platform "${p.name}": meshctl installs the Gloo packages while it onboards (--install, the only documented form), so there is nothing to bake into an image`, {
          atKey: true,
          hint: 'set bake: false, or use flavor istio for image pipelines',
        });
      }
      const att = attestationKeyOf(p);
      if (att !== undefined && att !== 'joinToken') {
        report('GLOO_UNSUPPORTED', `/platforms/${i}/${att}`, `meshctl external-workload onboard is only documented with --attestor token; ${att} attestation under flavor gloo is not publicly documented`, {
          atKey: true,
          hint: 'use joinToken on this platform, or flavor istio for cloud attestation (see docs/gloo.md)',
        });
      }
      const entries = listTargetEntries(p, i);
      const perOs = isPerOsTargets(p.targets);
      const rpmEntries = entries.filter((e) => OS_FORMAT[e.os] === 'rpm');
      const rpm = [...new Set(rpmEntries.map((e) => e.os))];
      if (rpm.length > 0) {
        report('GLOO_UNSUPPORTED', perOs ? rpmEntries[0]!.osPointer : `/platforms/${i}/targets/os`, `gloo-workload-agent is only published as a .deb; ${rpm.join(', ')} would need an rpm that no public source shows`, {
          hint: 'target ubuntu-22.04, ubuntu-24.04 or debian-12, or use flavor istio',
        });
      }
      const arm = entries.find((e) => e.arch.includes('arm64'));
      if (arm) {
        report('GLOO_UNSUPPORTED', perOs ? arm.archPointer : `/platforms/${i}/targets/arch`, 'gloo-workload-agent is only published for amd64; no public source shows an arm64 build', {
          hint: 'target amd64, or use flavor istio',
        });
      }
    });
  },
};
