/**
 * The managed /etc/hosts block that sends istiod's in-cluster host name to the east-west gateway,
 * replacing istioctl's `hosts` file ("<ingress IP> istiod[-<rev>].istio-system.svc",
 * istioctl/pkg/workload/workload.go createHosts), which upstream appends with `cat >> /etc/hosts`
 * (istio.io VM install page; mesh-onboarding.md §2.3) and leaves empty for a DNS-named load
 * balancer ("TODO: add case where the load balancer is a DNS name").
 *
 * Contract with the payload (src/delivery/): the AgentFile has `install: 'hosts-block'`; the
 * payload replaces everything from {@link HOSTS_BLOCK_BEGIN} to {@link HOSTS_BLOCK_END} in
 * /etc/hosts (or appends the block), so a re-run converges instead of appending again. When the
 * gateway is a DNS name, the block holds {@link GATEWAY_IP_PLACEHOLDER} where the address goes;
 * the payload resolves the name at boot (before istio.service starts) and substitutes it.
 */
import type { Model } from '../model/model.js';
import { safeHeader } from './safe-header.js';

/** First line of the managed block (exact match). */
export const HOSTS_BLOCK_BEGIN = '# BEGIN vmonboard istiod';
/** Last line of the managed block (exact match). */
export const HOSTS_BLOCK_END = '# END vmonboard istiod';
/** Stands for the gateway's IP address when the gateway is a DNS name; never a valid host-file address. */
export const GATEWAY_IP_PLACEHOLDER = '@EASTWEST_GATEWAY_IP@';

/**
 * Says whether the payload must resolve the gateway at boot: the DNS name to resolve and the
 * placeholder to replace, or undefined for an IPv4/IPv6 gateway address (written literally).
 */
export function hostsBlockResolution(model: Model): { hostname: string; placeholder: string } | undefined {
  return model.gateway.addressKind === 'dns' ? { hostname: model.gateway.address, placeholder: GATEWAY_IP_PLACEHOLDER } : undefined;
}

/** Renders the block: markers, header, and one `<address> <istiod host>` line. */
export function renderHostsBlock(model: Model): string {
  const address = model.gateway.addressKind === 'dns' ? GATEWAY_IP_PLACEHOLDER : model.gateway.address;
  return `${HOSTS_BLOCK_BEGIN}\n${safeHeader(model)}${address} ${model.mesh.istiod.host}\n${HOSTS_BLOCK_END}\n`;
}
