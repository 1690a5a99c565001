/**
 * eastWestGateway.exposure: source ranges and internal load balancers, rendered into the istio
 * gateway chart values (judged by the upstream values.schema.json), into our chart's east-west
 * Service for gloo, and into the firewall table; with located diagnostics for bad input.
 */
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import type { Document } from 'yaml';
import { validateGatewayValues } from '../validators/helm-values.js';
import { renderVariant, lineMatching } from './spec-variants.js';
import { INTERNAL_LB_ANNOTATIONS } from '../../src/cluster/gateway-exposure.js';
import { CLUSTER_VALUES_FILES } from '../../src/cluster/translate.js';
import { parseCidr } from '../../src/spec/v1alpha1/rules/exposure.js';

function setExposure(exposure: unknown): (doc: Document) => void {
  return (doc) => doc.setIn(['eastWestGateway', 'exposure'], doc.createNode(exposure));
}

function gatewayValues(r: Awaited<ReturnType<typeof renderVariant>>): Record<string, any> {
  const f = r.bundle?.get(CLUSTER_VALUES_FILES.gateway);
  if (!f || typeof f.content !== 'string') throw new Error(`no gateway values: ${JSON.stringify(r.diagnostics)}`);
  return jsYaml.load(f.content) as Record<string, any>;
}

describe('gateway exposure in the istio/gateway values', () => {
  it('sourceRanges become service.loadBalancerSourceRanges and pass the upstream schema', async () => {
    const r = await renderVariant('aws-cloudinit', setExposure({ sourceRanges: ['10.20.0.0/16', '2001:db8::/48'] }));
    const gw = gatewayValues(r);
    expect(gw.service.loadBalancerSourceRanges).toEqual(['10.20.0.0/16', '2001:db8::/48']);
    expect(gw.service.annotations).toBeUndefined();
    expect(validateGatewayValues(gw)).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).not.toContain('GATEWAY_PUBLIC_UNRESTRICTED');
  });

  it.each(['aws', 'gcp', 'azure'] as const)('internal: true on %s sets that cloud\'s annotations and passes the upstream schema', async (cloud) => {
    const r = await renderVariant('aws-cloudinit', setExposure({ internal: true, cloud }));
    const gw = gatewayValues(r);
    expect(gw.service.annotations).toEqual(INTERNAL_LB_ANNOTATIONS[cloud]);
    expect(gw.service.type).toBe('LoadBalancer');
    expect(gw.service.loadBalancerSourceRanges).toBeUndefined();
    expect(validateGatewayValues(gw)).toEqual([]);
    // Annotation values are strings: "true", never a YAML boolean.
    for (const v of Object.values(gw.service.annotations)) expect(typeof v).toBe('string');
  });

  it('the schema oracle rejects a mistyped loadBalancerSourceRanges', async () => {
    const gw = gatewayValues(await renderVariant('aws-cloudinit', setExposure({ sourceRanges: ['10.0.0.0/8'] })));
    expect(validateGatewayValues({ ...gw, service: { ...gw.service, loadBalancerSourceRanges: '10.0.0.0/8' } }).join('\n')).toMatch(/loadBalancerSourceRanges/);
  });

  it('the firewall table names the admitted ranges', async () => {
    const r = await renderVariant('aws-cloudinit', setExposure({ sourceRanges: ['198.51.100.0/24'] }));
    const readme = r.bundle?.get('README.md')?.content as string;
    expect(readme).toMatch(/\| all VMs \| outbound \| east-west gateway [^|]+\| 15012 \|[^\n]*admits only 198\.51\.100\.0\/24/);
  });

  it('flavor gloo puts both on our chart\'s east-west Service', async () => {
    const r = await renderVariant('gloo-onprem', setExposure({ internal: true, cloud: 'gcp', sourceRanges: ['10.0.0.0/8'] }));
    const f = r.bundle?.get(CLUSTER_VALUES_FILES.mesh);
    const svc = (jsYaml.load(f!.content as string) as any).eastWest.service;
    expect(svc.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
    expect(svc.loadBalancerSourceRanges).toEqual(['10.0.0.0/8']);
  });
});

describe('exposure diagnostics', () => {
  it('a public gateway without source ranges is warned at eastWestGateway, with its line', async () => {
    const r = await renderVariant('aws-cloudinit', (doc) => doc.deleteIn(['eastWestGateway', 'exposure']));
    const d = r.diagnostics.find((x) => x.code === 'GATEWAY_PUBLIC_UNRESTRICTED');
    expect(d).toMatchObject({ severity: 'warning', pointer: '/eastWestGateway', line: lineMatching(r.specText, /^eastWestGateway:/) });
    expect(r.bundle).toBeDefined();
  });

  it('a malformed CIDR is an error at its item, and nothing is rendered', async () => {
    const r = await renderVariant('aws-cloudinit', setExposure({ sourceRanges: ['10.0.0.0/8', '10.0.0.0/33', 'example.com/8', '10.1.0.0'] }));
    const bad = r.diagnostics.filter((d) => d.code === 'GATEWAY_SOURCE_RANGE_INVALID');
    expect(bad.map((d) => d.pointer)).toEqual(['/eastWestGateway/exposure/sourceRanges/1', '/eastWestGateway/exposure/sourceRanges/2', '/eastWestGateway/exposure/sourceRanges/3']);
    expect(bad.every((d) => d.line && d.line > 0)).toBe(true);
    expect(r.bundle).toBeUndefined();
  });

  it('internal without cloud is an error', async () => {
    const r = await renderVariant('aws-cloudinit', setExposure({ internal: true }));
    expect(r.diagnostics.find((d) => d.code === 'GATEWAY_EXPOSURE_CLOUD_REQUIRED')).toMatchObject({ severity: 'error', pointer: '/eastWestGateway/exposure' });
    expect(r.bundle).toBeUndefined();
  });

  it('parseCidr accepts IPv4 and IPv6 blocks and rejects the rest', () => {
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ family: 4, prefix: 0 });
    expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, prefix: 8 });
    for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/1.5', '::/129', '300.0.0.0/8', '10.0.0.0/8/8']) expect(parseCidr(bad), bad).toHaveProperty('error');
  });
});
