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
