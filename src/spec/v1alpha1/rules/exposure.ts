/**
 * eastWestGateway.exposure and the collector's client certificate: who can reach the gateway
 * that exposes istiod, SPIRE and OTLP to every VM, and who can push telemetry through it.
 */
import { isIP } from 'node:net';
import type { Rule } from './rule.js';

/**
 * Parses an IPv4 or IPv6 CIDR block, or returns why it is not one. Hand-written on node:net's
 * isIP rather than a library: the grammar is two parts and a range check, and Kubernetes reads
 * the field with Go's net.ParseCIDR, which accepts exactly "address/prefix" with a decimal prefix.
 */
export function parseCidr(value: string): { family: 4 | 6; address: string; prefix: number } | { error: string } {
  const slash = value.indexOf('/');
  if (slash < 0) return { error: 'it has no /prefix (write 10.0.0.0/16, or 10.0.0.1/32 for one address)' };
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0) return { error: `"${address}" is not an IPv4 or IPv6 address` };
  if (!/^[0-9]{1,3}$/.test(prefixText)) return { error: `the prefix "${prefixText}" is not a number` };
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (prefix > max) return { error: `the prefix /${prefix} is longer than /${max}` };
  return { family: family as 4 | 6, address, prefix };
}

/** Source ranges are CIDR blocks; internal needs the cluster's cloud; a public gateway with no ranges is warned. */
export const gatewayExposure: Rule = {
  name: 'gateway-exposure',
  check({ spec, report }) {
    const e = spec.eastWestGateway.exposure;
    (e?.sourceRanges ?? []).forEach((r, i) => {
      const c = parseCidr(r);
      if ('error' in c) report('GATEWAY_SOURCE_RANGE_INVALID', `/eastWestGateway/exposure/sourceRanges/${i}`, `source range "${r}" is not a CIDR block: ${c.error}`, { hint: 'use address/prefix, for example 10.20.0.0/16 or 2001:db8::/48' });
    });
    if (e?.internal === true && !e.cloud) {
      report('GATEWAY_EXPOSURE_CLOUD_REQUIRED', '/eastWestGateway/exposure', 'internal: true needs the cloud the cluster runs on, to pick its internal load-balancer annotations', { hint: 'add cloud: aws (EKS), gcp (GKE) or azure (AKS)' });
    }
    if (e?.internal !== true && (e?.sourceRanges ?? []).length === 0) {
      report(
        'GATEWAY_PUBLIC_UNRESTRICTED',
        e ? '/eastWestGateway/exposure' : '/eastWestGateway',
        'the east-west gateway gets a public load balancer open to every source, and it exposes istiod, the SPIRE server and OTLP; restrict it with exposure.sourceRanges or exposure.internal',
        { hint: 'exposure: { sourceRanges: [<VM subnet CIDRs>] } or exposure: { internal: true, cloud: aws }' },
      );
    }
  },
};

/** Server-only TLS for telemetry lets anyone who reaches the otlp port push data. */
export const telemetryClientCertificate: Rule = {
  name: 'telemetry-client-certificate',
  check({ spec, report }) {
    const t = spec.telemetry;
    if (t && t.enabled !== false && t.gateway.clientCertificate === 'none') {
      report('TELEMETRY_CLIENT_CERT_DISABLED', '/telemetry/gateway/clientCertificate', 'the collector sends metrics with server-only TLS: anyone who reaches the otlp port can push data as any VM; use clientCertificate: svid and require client certificates on the OTel gateway');
    }
  },
};
