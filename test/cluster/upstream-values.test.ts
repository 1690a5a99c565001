/**
 * The values we generate for upstream charts, judged by the upstream files themselves:
 * - eastwest-gateway.values.yaml against the istio gateway chart's values.schema.json (Helm
 *   validates with it at install time), and never with fields newer than the pinned Istio;
 * - spire.values.yaml key paths against the spire umbrella and subchart values.yaml (the spire
 *   charts ship no schema and Helm ignores unknown keys silently).
 * Each file is also read back with PyYAML, so what we wrote is what a YAML 1.1 reader sees.
 */
import { describe, expect, it } from 'vitest';
import { validateGatewayValues, checkSpireUmbrellaValues } from '../validators/helm-values.js';
import { readWithPyYAML } from '../validators/pyyaml.js';
import { goldenCases } from '../helpers/golden-cases.js';
import { renderedCase, istioCases } from './cluster-fixtures.js';

const cases = goldenCases().filter((n) => !n.startsWith('gloo'));

describe('istio case list', () => {
  it('is exactly the golden cases whose flavor is istio', async () => {
    expect(cases).toEqual(await istioCases());
  });
});

describe.each(cases)('golden case %s', (name) => {
  it('eastwest-gateway.values.yaml validates against the upstream gateway values.schema.json', async () => {
    const { parsed } = await renderedCase(name);
    expect(validateGatewayValues(parsed.gateway)).toEqual([]);
  });

  it('eastwest-gateway.values.yaml avoids networkGateway (it replaces service.ports) and the 1.30+ networkGatewayPorts', async () => {
    const gw = (await renderedCase(name)).parsed.gateway as Record<string, unknown>;
    expect(Object.keys(gw)).not.toContain('networkGateway');
    expect(Object.keys(gw)).not.toContain('networkGatewayPorts');
  });

  it('every key path of spire.values.yaml exists in the upstream umbrella or subchart values.yaml', async () => {
    const { parsed } = await renderedCase(name);
    expect(checkSpireUmbrellaValues(parsed.spire)).toEqual([]);
  });

  it('leaves the chart default k8sPSAT attestor alone (the in-cluster agents use it) and embeds no secret', async () => {
    const { parsed, text } = await renderedCase(name);
    const server = (parsed.spire as Record<string, Record<string, Record<string, unknown> | undefined>>)['spire-server']!;
    expect(server.nodeAttestor?.k8sPSAT).toBeUndefined();
    expect(text.spire).not.toMatch(/secret_auth|app_secret|PRIVATE KEY/);
    expect(JSON.stringify(server.upstreamAuthority)).toContain('"create":false');
  });

  it('every cluster values file reads back identically with PyYAML', async () => {
    const { text, parsed } = await renderedCase(name);
    for (const k of Object.keys(text) as Array<keyof typeof text>) {
      expect(await readWithPyYAML(text[k]), k).toEqual(parsed[k]);
    }
  });
});

describe('negative cases (the oracles reject what they must)', () => {
  it('the gateway schema rejects an unknown key and a mistyped port', async () => {
    const gw = structuredClone((await renderedCase('aws-cloudinit')).parsed.gateway) as Record<string, unknown>;
    expect(validateGatewayValues({ ...gw, servicePorts: [] }).join('\n')).toMatch(/unknown key "servicePorts"/);
    const bad = structuredClone(gw) as { service: { ports: Array<{ port: unknown }> } };
    bad.service.ports[0]!.port = '15021';
    expect(validateGatewayValues(bad).join('\n')).toMatch(/\/service\/ports\/0\/port/);
  });

  it('the spire key check rejects a misspelled attestor and server settings at the top level', async () => {
    const spire = structuredClone((await renderedCase('aws-cloudinit')).parsed.spire) as Record<string, Record<string, unknown>>;
    const misspelled = structuredClone(spire);
    (misspelled['spire-server']!.nodeAttestor as Record<string, unknown>).awsIid = { enabled: true };
    expect(checkSpireUmbrellaValues(misspelled).join('\n')).toMatch(/spire-server\.nodeAttestor\.awsIid/);
    expect(checkSpireUmbrellaValues({ ...spire, nodeAttestor: { awsIID: { enabled: true } } }).join('\n')).toMatch(/^nodeAttestor: not in upstream values\.yaml/m);
  });
});
