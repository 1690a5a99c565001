/** Trust domain, gateway address and gateway port roles. */
import { isIP } from 'node:net';
import type { Rule } from './rule.js';
import { GLOO_PORT_ROLES } from '../../../model/model.js';

/**
 * SPIFFE trust domain grammar: lowercase letters, digits, dots, dashes and underscores
 * (SPIFFE ID spec, "Trust Domain"); at most 255 characters (spire_agent.md, trust_domain).
 */
export const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
/** An RFC 1123 host name (labels of letters, digits and -, at most 253 characters). */
export const DNS_NAME = /^(?=.{1,253}$)([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;

/** The trust domain is valid SPIFFE. */
export const trustDomain: Rule = {
  name: 'trust-domain',
  check({ spec, report }) {
    const td = spec.mesh.trustDomain;
    if (td.startsWith('spiffe://')) {
      report('TRUST_DOMAIN_INVALID', '/mesh/trustDomain', `trust domain "${td}" must not include the spiffe:// scheme; write just the name (for example example.org)`);
    } else if (!TRUST_DOMAIN.test(td) || td.startsWith('.') || td.endsWith('.')) {
      report('TRUST_DOMAIN_INVALID', '/mesh/trustDomain', `trust domain "${td}" is not a valid SPIFFE trust domain; use lowercase letters, digits, dots, dashes and underscores`);
    }
  },
};

/** The gateway address is an IP address or a DNS name. */
export const gatewayAddress: Rule = {
  name: 'gateway-address',
  check({ spec, report }) {
    const a = spec.eastWestGateway.address;
    if (isIP(a) === 0 && (!DNS_NAME.test(a) || /^[0-9.]+$/.test(a))) {
      report('GATEWAY_ADDRESS_INVALID', '/eastWestGateway/address', `east-west gateway address "${a}" is neither an IP address nor a DNS name`, {
        hint: 'use the load balancer IP (203.0.113.10) or its host name (ew.example.com), without scheme or port',
      });
    }
  },
};

/** Port roles use distinct numbers; Gloo-only roles are flagged under flavor istio. */
export const gatewayPorts: Rule = {
  name: 'gateway-ports',
  check({ spec, report }) {
    const ports = (spec.eastWestGateway.ports ?? {}) as Record<string, number>;
    const byNumber = new Map<number, string>();
    for (const [role, n] of Object.entries(ports)) {
      const other = byNumber.get(n);
      if (other) {
        report('PORT_ROLE_CONFLICT', `/eastWestGateway/ports/${role}`, `port roles "${other}" and "${role}" both use port ${n}; each role needs its own port`);
      } else byNumber.set(n, role);
    }
    if (spec.mesh.flavor === 'istio') {
      const written = Object.keys(ports).filter((r) => (GLOO_PORT_ROLES as readonly string[]).includes(r));
      for (const role of written) {
        report('GLOO_SECTION_UNUSED', `/eastWestGateway/ports/${role}`, `port role "${role}" is only used by flavor gloo; it is ignored with flavor istio`, { atKey: true });
      }
    }
  },
};

/** Parses `addr/prefix` with node:net; returns why it is not a CIDR, or undefined. */
function cidrProblem(cidr: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return 'write an address and a prefix length, for example 10.244.0.0/16';
  const family = isIP(m[1]!);
  if (family === 0) return `"${m[1]}" is not an IPv4 or IPv6 address`;
  const max = family === 4 ? 32 : 128;
  if (Number(m[2]) > max) return `the prefix length of an IPv${family} range is at most ${max}`;
  return undefined;
}

/**
 * Pod and node ranges are CIDRs, and pod ranges are given: cluster-to-VM traffic comes straight
 * from the pods (istio 1.27.1 pilot/pkg/xds/endpoints/ep_filters.go keeps endpoints of a network
 * without gateways "directly reachable"), so without them the firewall table cannot name its source.
 */
export const meshCidrs: Rule = {
  name: 'mesh-cidrs',
  check({ spec, report }) {
    for (const key of ['podCIDRs', 'nodeCIDRs'] as const) {
      (spec.mesh[key] ?? []).forEach((c, i) => {
        const why = cidrProblem(c);
        if (why) report('CIDR_INVALID', `/mesh/${key}/${i}`, `"${c}" is not an address range: ${why}`);
      });
    }
    if ((spec.mesh.podCIDRs ?? []).length === 0) {
      report('POD_CIDRS_MISSING', '/mesh/podCIDRs', `mesh traffic to the VMs comes straight from the cluster's pods, not from the east-west gateway; set mesh.podCIDRs (and mesh.nodeCIDRs if your CNI masquerades pod traffic) so the firewall table can name its source`, {
        hint: 'for example podCIDRs: [10.244.0.0/16]; kubectl get nodes -o jsonpath=\'{.items[*].spec.podCIDR}\' lists them on most clusters',
      });
    }
  },
};

/** previousRevisions never names the current revision: its route is already the current one. */
export const previousRevisions: Rule = {
  name: 'previous-revisions',
  check({ spec, report }) {
    const current = spec.mesh.istio.revision;
    (spec.mesh.istio.previousRevisions ?? []).forEach((r, i) => {
      if (r === current) report('PREVIOUS_REVISION_CURRENT', `/mesh/istio/previousRevisions/${i}`, `revision "${r}" is the current revision (mesh.istio.revision); list only revisions whose VMs have not moved yet`);
    });
  },
};
