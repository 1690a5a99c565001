// The managed /etc/hosts block: istiod's host → the east-west gateway, literal for IP gateways,
// a placeholder the payload fills for DNS-named ones; markers let a re-run replace it.
import { describe, expect, it } from 'vitest';
import { GATEWAY_IP_PLACEHOLDER, HOSTS_BLOCK_BEGIN, HOSTS_BLOCK_END, hostsBlockResolution, renderHostsBlock } from '../../src/vm/hosts-block.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { readUpstream } from '../helpers/golden-cases.js';
import { firstPlacement, variantOf } from './model-variants.js';

/** Entry lines of a block (not comments). */
const entries = (block: string): string[] => block.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('hosts block', () => {
  it('IPv4 gateway: one line in istioctl hosts format, between the markers', async () => {
    const model = await variantOf('aws-cloudinit');
    const block = renderHostsBlock(model);
    const lines = block.trimEnd().split('\n');
    expect(lines[0]).toBe(HOSTS_BLOCK_BEGIN);
    expect(lines.at(-1)).toBe(HOSTS_BLOCK_END);
    expect(entries(block)).toEqual(['203.0.113.10 istiod-1-27.istio-system.svc']);
    expect(hostsBlockResolution(model)).toBeUndefined();
    // Same shape as istioctl's hosts.golden: "<ingress IP> istiod-<rev>.istio-system.svc".
    expect(readUpstream('istio/workload-testdata/vmconfig/ipv4/hosts.golden').trim()).toMatch(/^\S+ istiod-rev-1\.istio-system\.svc$/);
  });

  it('IPv6 gateway: the literal address', async () => {
    const model = await variantOf('gcp-startup-script', (m) => {
      m.gateway.address = '2001:db8::10';
      m.gateway.addressKind = 'ipv6';
    });
    expect(entries(renderHostsBlock(model))).toEqual(['2001:db8::10 istiod.istio-system.svc']);
  });

  it('DNS gateway: the placeholder, and the name the payload must resolve', async () => {
    const model = await variantOf('onprem-x509pop');
    expect(entries(renderHostsBlock(model))).toEqual([`${GATEWAY_IP_PLACEHOLDER} istiod.istio-system.svc`]);
    expect(hostsBlockResolution(model)).toEqual({ hostname: 'ew.mesh.example.com', placeholder: GATEWAY_IP_PLACEHOLDER });
  });

  it('is installed as a managed block of /etc/hosts, never as a whole file', async () => {
    const model = await variantOf('onprem-x509pop');
    const { workload, placement } = firstPlacement(model);
    const file = listAgentFiles(model, workload, placement).find((f) => f.bundlePath === 'istio/hosts')!;
    expect(file).toMatchObject({ vmPath: '/etc/hosts', install: 'hosts-block', owner: 'root', mode: 0o644 });
    // Every other agent file is a plain file.
    expect(listAgentFiles(model, workload, placement).filter((f) => f.install === 'hosts-block')).toHaveLength(1);
  });
});
