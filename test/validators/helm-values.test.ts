import fs from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { checkSpireUmbrellaValues, checkValuePathsExist, listValuePaths, validateGatewayValues } from './helm-values.js';
import { PROJECT_ROOT, readUpstream } from './upstream.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/validators/helm');
const load = (name: string): Record<string, any> => jsYaml.load(fs.readFileSync(path.join(DIR, name), 'utf8')) as Record<string, any>;

describe('listValuePaths', () => {
  it('lists every key path with its parents; lists are leaves; empty maps are open', () => {
    const paths = listValuePaths('a:\n  b: 1\n  c: [ {d: 1} ]\n  e: {}\n  "x.y/z": true\n');
    expect([...paths].sort()).toEqual(['a', 'a.b', 'a.c', 'a.e', 'a.e.*', 'a.x.y/z']);
  });

  it('reads the spire-server defaults', () => {
    const paths = listValuePaths(readUpstream('spiffe-helm-charts-hardened/charts/spire/charts/spire-server/values.yaml'));
    expect(paths).toContain('nodeAttestor.awsIID.assumeRole');
    expect(paths).toContain('controllerManager.identities.clusterStaticEntries');
    expect(paths).toContain('service.externalTrafficPolicy');
  });
});

describe('checkValuePathsExist', () => {
  const allowed = listValuePaths('image:\n  tag: ""\npodAnnotations: {}\nentries:\n  default: {enabled: true}\n');

  it('accepts existing paths, keys under empty-map defaults and under openMaps', () => {
    expect(checkValuePathsExist({ image: { tag: 'v1' }, podAnnotations: { 'a.b/c': 'x' }, entries: { mine: { any: 1 } } }, allowed, { openMaps: ['entries'] })).toEqual([]);
  });

  it('rejects a misspelled key path, with a hint', () => {
    expect(checkValuePathsExist({ image: { tga: 'v1' } }, allowed)).toEqual(['image.tga: not in upstream values.yaml (did you mean "image.tag"?)']);
  });

  it('rejects user-named keys when the map is not declared open, and maps where the default is a scalar', () => {
    expect(checkValuePathsExist({ entries: { mine: {} }, image: { tag: { x: 1 } } }, allowed)).toEqual([
      'entries.mine: not in upstream values.yaml',
      'image.tag.x: not in upstream values.yaml',
    ]);
  });

  it('checks a subtree with a prefix', () => {
    expect(checkValuePathsExist({ tag: 'v1', tagg: 'v2' }, allowed, { prefix: 'image' })).toEqual(['image.tagg: not in upstream values.yaml (did you mean "image.tag"?)']);
  });
});

describe('checkSpireUmbrellaValues', () => {
  it('accepts the values vmonboard renders (spire-server.* against the subchart, global.* against the umbrella)', () => {
    expect(checkSpireUmbrellaValues(load('spire-values.yaml'))).toEqual([]);
  });

  it('rejects a misspelled key path in the spire-server subchart and in global', () => {
    const values = load('spire-values.yaml');
    values['spire-server'].nodeAttestor.awsIID.assumeRoles = 'x';
    values.global.spire.trustDomian = 'example.org';
    expect(checkSpireUmbrellaValues(values)).toEqual([
      'global.spire.trustDomian: not in upstream values.yaml (did you mean "global.spire.trustDomain"?)',
      'spire-server.nodeAttestor.awsIID.assumeRoles: not in upstream values.yaml (did you mean "spire-server.nodeAttestor.awsIID.assumeRole"?)',
    ]);
  });

  it('does not take globals from a subchart, and rejects a spire-server key put at the umbrella top level', () => {
    const values = load('spire-values.yaml');
    values.global.replicaCount = 2; // spire-server's own `global: {}` must not open global.*
    values.nodeAttestor = { awsIID: { enabled: true } };
    expect(checkSpireUmbrellaValues(values)).toEqual([
      expect.stringMatching(/^global\.replicaCount: not in upstream values.yaml/),
      expect.stringMatching(/^nodeAttestor: not in upstream values.yaml/),
    ]);
  });

  it('says why keys of a subchart without upstream values cannot be verified', () => {
    const values = load('spire-values.yaml');
    values['spiffe-csi-driver'].agentSocketPath = '/run/x.sock';
    expect(checkSpireUmbrellaValues(values)).toEqual([
      expect.stringMatching(/^spiffe-csi-driver\.agentSocketPath: not in upstream values.yaml; the values.yaml of subchart spiffe-csi-driver .* is not in shared\/upstream/),
    ]);
  });
});

describe('validateGatewayValues (istio gateway values.schema.json, draft 2020-12)', () => {
  it('accepts the east-west gateway values', () => {
    expect(validateGatewayValues(load('gateway-values.yaml'))).toEqual([]);
  });

  it("accepts the chart's own defaults", () => {
    expect(validateGatewayValues(jsYaml.load(readUpstream('istio/charts/gateway/values.yaml')))).toEqual([]);
  });

  it('rejects an unknown key and a bad type/enum', () => {
    const values = load('gateway-values.yaml');
    values.replicas = 2;
    values.kind = 'StatefulSet';
    values.service.ports[0].port = '15021';
    expect(validateGatewayValues(values)).toEqual(
      expect.arrayContaining([
        '/: unknown key "replicas"',
        expect.stringMatching(/^\/kind: must be equal to one of the allowed values/),
        '/service/ports/0/port: must be integer',
      ]),
    );
  });
});
