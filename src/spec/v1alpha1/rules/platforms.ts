/** Platform attestation, delivery and secret references. */
import type { Rule } from './rule.js';
import type { Platform } from '../types.gen.js';
import { parseSecretRef, secretRefNotAllowed } from '../../secret-ref.js';
import { listTargetOses } from '../targets.js';
import { judgeSecretPath } from '../../secret-paths.js';

const ATTESTATION_KEYS = ['aws', 'gcp', 'azure', 'x509pop', 'joinToken'] as const;
type AttestationKey = (typeof ATTESTATION_KEYS)[number];

/** The attestation blocks each platform kind may use (exactly one of them). */
const ALLOWED: Record<Platform['kind'], AttestationKey[]> = {
  aws: ['aws', 'joinToken'],
  gcp: ['gcp', 'joinToken'],
  azure: ['azure', 'joinToken'],
  onprem: ['x509pop', 'joinToken'],
  baremetal: ['x509pop', 'joinToken'],
};

/** Returns the attestation block a platform uses, if exactly one allowed block is set. */
export function attestationKeyOf(p: Platform): AttestationKey | undefined {
  const set = ATTESTATION_KEYS.filter((k) => p[k] !== undefined && ALLOWED[p.kind].includes(k));
  return set.length === 1 ? set[0] : undefined;
}

/** Each platform kind has exactly one attestation block of its own kind. */
export const platformAttestation: Rule = {
  name: 'platform-attestation',
  check({ spec, report }) {
    spec.platforms.forEach((p, i) => {
      const allowed = ALLOWED[p.kind];
      const set = ATTESTATION_KEYS.filter((k) => p[k] !== undefined);
      for (const k of set.filter((k) => !allowed.includes(k))) {
        report('ATTESTATION_CONFLICT', `/platforms/${i}/${k}`, `platform "${p.name}" is kind ${p.kind}, so "${k}" settings do not apply; use ${allowed.join(' or ')}`, { atKey: true });
      }
      const own = set.filter((k) => allowed.includes(k));
      if (own.length === 0) {
        report('ATTESTATION_MISSING', `/platforms/${i}`, `platform "${p.name}" (kind ${p.kind}) needs attestation settings: add ${allowed.map((k) => `"${k}"`).join(' or ')}`, {
          hint: p.kind === 'onprem' || p.kind === 'baremetal'
            ? 'x509pop re-attests after a reboot or reinstall; join tokens are single-use'
            : `${p.kind} attestation needs no secret: the instance identity document proves the VM`,
        });
      } else if (own.length > 1) {
        report('ATTESTATION_CONFLICT', `/platforms/${i}/${own[1]}`, `platform "${p.name}" sets both "${own[0]}" and "${own[1]}"; a platform uses exactly one attestation method`, { atKey: true });
      }
    });
  },
};

/** An absolute host path without spaces or control characters: what a user writes meaning file://<path>. */
const ABSOLUTE_PATH = /^\/[^\s\x00-\x1f]*$/;

/** Secret references are well-formed and usable from the platform. */
export const platformSecrets: Rule = {
  name: 'platform-secrets',
  check({ spec, report }) {
    spec.platforms.forEach((p, i) => {
      const refs: Array<{ pointer: string; uri: string; what: string; fileOnly?: boolean }> = [];
      if (p.joinToken) refs.push({ pointer: `/platforms/${i}/joinToken/tokenRef`, uri: p.joinToken.tokenRef, what: 'join token', fileOnly: true });
      if (p.x509pop) refs.push({ pointer: `/platforms/${i}/x509pop/privateKey`, uri: p.x509pop.privateKey, what: 'x509pop private key' });
      for (const r of refs) {
        if (!/^[a-z0-9-]+:\/\//.test(r.uri) && ABSOLUTE_PATH.test(r.uri)) {
          // A path is not a secret, so it may be quoted back: the fix is one scheme away.
          report('SECRET_INLINE', r.pointer, `the ${r.what} "${r.uri}" looks like a file path on the host, but it must be a reference; write it as file://${r.uri}`, {
            hint: `${r.pointer.slice(r.pointer.lastIndexOf('/') + 1)}: file://${r.uri}`,
          });
          continue;
        }
        if (!/^[a-z0-9-]+:\/\//.test(r.uri)) {
          // Anything else may be the secret itself: never quote it back.
          report('SECRET_INLINE', r.pointer, `the ${r.what} must be a reference (for example file:///etc/vmonboard/${r.fileOnly ? 'join-token' : 'host.key'}), not a value; secrets never go into bundles or user data`);
          continue;
        }
        const parsed = parseSecretRef(r.uri);
        if ('error' in parsed) {
          report('SECRET_REF_INVALID', r.pointer, `the ${r.what} reference "${r.uri}" is malformed: ${parsed.error}`);
          continue;
        }
        if (r.fileOnly && parsed.ref.scheme !== 'file') {
          report('SECRET_REF_NOT_ALLOWED', r.pointer, `a join token is single-use per host, so it may only come from a file:// reference on that host, not ${parsed.ref.scheme}`);
          continue;
        }
        const why = secretRefNotAllowed(parsed.ref, p.kind);
        if (why) report('SECRET_REF_NOT_ALLOWED', r.pointer, why);
        if (parsed.ref.scheme === 'file') {
          const verdict = judgeSecretPath(parsed.ref.path);
          if (verdict) report(verdict.level === 'error' ? 'SECRET_PATH_UNSAFE' : 'SECRET_PATH_SHARED', r.pointer, `the ${r.what} path ${verdict.why}`);
        }
      }
    });
  },
};

/** The delivery can reach the targets. */
export const platformDelivery: Rule = {
  name: 'platform-delivery',
  check({ spec, report }) {
    spec.platforms.forEach((p, i) => {
      if (p.delivery === 'startup-script' && p.kind !== 'gcp') {
        report('DELIVERY_UNSUPPORTED', `/platforms/${i}/delivery`, `delivery startup-script is GCE metadata; platform "${p.name}" is ${p.kind}, so use cloud-init or shell`);
      }
      if (p.kind === 'gcp' && p.delivery === 'cloud-init') {
        const bad = listTargetOses(p).filter((os) => !os.startsWith('ubuntu-'));
        if (bad.length > 0) {
          report('DELIVERY_UNSUPPORTED', `/platforms/${i}/delivery`, `delivery cloud-init would never run on ${bad.join(', ')}: those GCE images have no cloud-init`, {
            hint: 'use delivery: startup-script (runs on every GCE image), or target only Ubuntu',
          });
        }
      }
    });
  },
};

/**
 * No x509pop path holds "${". The agent config is JSON and the agent never runs with -expandEnv,
 * but under -expandEnv SPIRE would read "${NAME}" as a variable reference (spire_agent.md), so a
 * path that looks like one is refused at validation, where the user can still rename it, rather
 * than written into a config that one flag away means something else. (The translator refuses it
 * again, src/vm/spire-agent-config.ts, in case a model ever bypasses this rule.)
 */
export const platformX509popPaths: Rule = {
  name: 'platform-x509pop-paths',
  check({ spec, report }) {
    spec.platforms.forEach((p, i) => {
      if (!p.x509pop) return;
      for (const key of ['certificatePath', 'intermediatesPath'] as const) {
        const value = p.x509pop[key];
        if (value?.includes('${')) {
          report('X509POP_PATH_EXPANSION', `/platforms/${i}/x509pop/${key}`, `the ${key} of platform "${p.name}" contains "\${", which the SPIRE agent config must never hold (under -expandEnv it is a variable reference); rename the file or directory`);
        }
      }
    });
  },
};
