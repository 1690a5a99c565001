/** Workload placement: platform references, discriminating selectors and probes. */
import type { Rule } from './rule.js';
import { attestationKeyOf } from './platforms.js';
import { didYouMean } from '../../../diagnostics/suggest.js';

const SELECTOR_FOR: Record<string, 'aws' | 'gcp' | 'azure' | 'x509pop' | undefined> = {
  aws: 'aws',
  gcp: 'gcp',
  azure: 'azure',
  x509pop: 'x509pop',
  joinToken: undefined,
};

const EXAMPLES = {
  aws: 'selectors: { aws: { tags: { app: <name> } } } (or iamRole, securityGroupId)',
  gcp: 'selectors: { gcp: { serviceAccount: <email> } } (or labels)',
  azure: 'selectors: { azure: { tags: { app: <name> } } } (or vmName, resourceGroup)',
  x509pop: 'selectors: { x509pop: { subjectCN: <host cn> } } (or san)',
} as const;

/** Every platform a workload names exists, with selectors that fit its attestation. */
export const workloadPlacement: Rule = {
  name: 'workload-placement',
  check({ spec, report }) {
    const platforms = new Map(spec.platforms.map((p) => [p.name, p]));
    spec.workloads.forEach((w, wi) =>
      w.platforms.forEach((ref, ri) => {
        const base = `/workloads/${wi}/platforms/${ri}`;
        const p = platforms.get(ref.name);
        if (!p) {
          const known = [...platforms.keys()];
          const hint = didYouMean(ref.name, known);
          report('UNKNOWN_PLATFORM', `${base}/name`, `workload "${w.name}" names platform "${ref.name}", which platforms[] does not define; defined: ${known.join(', ')}`, hint ? { hint } : {});
          return;
        }
        const att = attestationKeyOf(p);
        if (att === undefined) return; // reported by platform-attestation
        const want = SELECTOR_FOR[att];
        const given = Object.keys(ref.selectors ?? {});
        if (want === undefined) {
          if (given.length > 0) {
            report('SELECTORS_WITH_JOIN_TOKEN', `${base}/selectors`, `platform "${p.name}" attests with join tokens, which carry no selectors; remove the selectors (the token's -spiffeID decides the identity)`, { atKey: true });
          }
          return;
        }
        for (const g of given.filter((g) => g !== want)) {
          report('SELECTORS_WRONG_KIND', `${base}/selectors/${g}`, `platform "${p.name}" attests with ${want}, so "${g}" selectors never match; use "${want}" selectors`, { atKey: true });
        }
        const sel = (ref.selectors as Record<string, Record<string, unknown>> | undefined)?.[want];
        if (!sel || Object.keys(sel).length === 0) {
          report('SELECTORS_MISSING', base, `workload "${w.name}" on platform "${p.name}" needs ${want} selectors that tell its VMs apart from every other VM there (the account, region or project alone would let any VM take this identity)`, {
            hint: EXAMPLES[want],
          });
        }
        // Issue 15 §14: a tag is only as strong as the right to set it. Anyone allowed
        // ec2:CreateTags in the account can tag a VM of theirs and take this identity, while an
        // instance profile role (iam:PassRole) or a security group ID is held far more tightly.
        if (want === 'aws' && sel?.tags && !sel.iamRole && !sel.securityGroupId) {
          report(
            'SELECTORS_TAG_ONLY',
            `${base}/selectors/aws/tags`,
            `workload "${w.name}" on platform "${p.name}" is selected by EC2 tags only: anyone allowed ec2:CreateTags in the account can tag a VM and take this identity; add iamRole (the instance profile role) or securityGroupId, alone or with the tag`,
            { atKey: true, hint: 'selectors: { aws: { tags: { app: <name> }, iamRole: arn:aws:iam::<account>:role/<role> } }' },
          );
        }
      }),
    );
  },
};

/** A probe has exactly one handler; Gloo has no gRPC probe. */
export const workloadProbe: Rule = {
  name: 'workload-probe',
  check({ spec, report }) {
    spec.workloads.forEach((w, wi) => {
      if (!w.probe) return;
      const handlers = (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).filter((h) => w.probe![h] !== undefined);
      if (handlers.length !== 1) {
        report('PROBE_HANDLER_COUNT', `/workloads/${wi}/probe`, `the probe of "${w.name}" sets ${handlers.length === 0 ? 'no handler' : handlers.join(' and ')}; set exactly one of httpGet, tcpSocket, exec, grpc`);
      }
      if (spec.mesh.flavor === 'gloo' && w.probe.grpc) {
        report('GLOO_GRPC_PROBE', `/workloads/${wi}/probe/grpc`, `flavor gloo: ExternalWorkload has no grpc probe (only httpGet, tcpSocket and exec); change the probe of "${w.name}"`, { atKey: true });
      }
    });
  },
};
