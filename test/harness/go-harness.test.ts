import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHarness, helmTemplate, parseHcl, parseManifests } from './go-harness.js';

const AGENT_CONF = fileURLToPath(
  new URL('../../../shared/upstream/spiffe-spire/conf/agent/agent.conf', import.meta.url),
);
const MINI_CHART = fileURLToPath(new URL('../fixtures/charts/mini/', import.meta.url));

type Obj = Record<string, unknown>;

// The first (cold) Go build can take a while; do it once in a hook with the long hook timeout.
beforeAll(async () => {
  await ensureHarness();
});

describe('ensureHarness', () => {
  it('returns a cached binary outside tracked files, stable across calls', async () => {
    const a = await ensureHarness();
    const b = await ensureHarness();
    expect(a).toBe(b);
    expect(a).toMatch(/node_modules[\\/]\.cache[\\/]vmonboard-go-harness[\\/][0-9a-f]{64}[\\/]harness$/);
  });
});

describe('parseHcl (hashicorp/hcl v1)', () => {
  it('parses the upstream SPIRE agent.conf; blocks decode as lists of maps', async () => {
    const conf = (await parseHcl(await readFile(AGENT_CONF, 'utf8'))) as Obj;
    const agent = conf.agent as Obj[];
    expect(Array.isArray(agent)).toBe(true);
    expect(agent).toHaveLength(1);
    expect(agent[0]!.trust_domain).toBe('example.org');
    expect(agent[0]!.server_port).toBe('8081');
    expect(conf.plugins).toEqual([
      {
        KeyManager: [{ disk: [{ plugin_data: [{ directory: './.data' }] }] }],
        NodeAttestor: [{ join_token: [{ plugin_data: [{}] }] }],
        WorkloadAttestor: [{ unix: [{ plugin_data: [{}] }] }],
      },
    ]);
  });

  it('decodes the HCL block form and the equivalent JSON form to the same shape', async () => {
    const expected = { plugins: [{ NodeAttestor: [{ join_token: [{ plugin_data: [{}] }] }] }] };
    expect(await parseHcl('plugins { NodeAttestor "join_token" { plugin_data {} } }')).toEqual(expected);
    expect(
      await parseHcl('{"plugins":{"NodeAttestor":[{"join_token":{"plugin_data":{}}}]}}'),
    ).toEqual(expected);
  });

  it('round-trips tricky JSON strings and scalar types unchanged', async () => {
    const tricky = {
      quote: 'say "hi"',
      backslash: 'C:\\path\\to\\file \\n not a newline',
      dollar: 'cost $5',
      interp: '${x} and $${y} and %{z}',
      newline: 'line1\nline2\ttabbed',
      unicode: 'héllo ✓ 日本 😀',
      empty: '',
      int: 42,
      float: 1.5,
      bool: false,
      list: ['a', 'b"c', '${d}'],
    };
    const out = (await parseHcl(JSON.stringify({ agent: tricky }))) as { agent: Obj[] };
    expect(out.agent).toEqual([tricky]);
  });

  it('rejects on a syntax error with HCL’s message', async () => {
    await expect(parseHcl('agent {\n  trust_domain = "example.org"\n')).rejects.toThrow(/RBRACE|EOF/);
    await expect(parseHcl('agent { trust_domain = "unterminated }')).rejects.toThrow(/literal not terminated/);
  });
});

describe('helmTemplate (text/template + sprig, Helm semantics)', () => {
  it('renders the fixture chart with defaults merged under user values', async () => {
    const { manifests, notes } = await helmTemplate({
      chartDir: MINI_CHART,
      values: {
        clusterName: 'cluster-1',
        labels: { team: 'mesh' },
        settings: { ports: [8080], nested: { drop: null } },
        extraAnnotations: { note: 'a "quoted" <value> & more' },
      },
      releaseName: 'rel',
      releaseNamespace: 'istio-system',
    });
    expect(notes).toBeUndefined();
    expect(manifests.startsWith('---\n# Source: mini/templates/configmap.yaml\napiVersion: v1\n')).toBe(true);
    expect(manifests).not.toContain('<no value>');

    const docs = parseManifests(manifests);
    // `drop: null` deleted the key, so the conditional second ConfigMap is gone; empty docs,
    // the comment-only doc, the whitespace-only template and the disabled test pod emit nothing.
    expect(docs.map((d) => d.source)).toEqual(['mini/templates/configmap.yaml']);
    const cm = docs[0]!.doc as { metadata: Obj; data: Record<string, string> };
    expect(cm.metadata).toEqual({
      name: 'rel-mini',
      namespace: 'istio-system',
      labels: {
        'app.kubernetes.io/name': 'mini',
        'app.kubernetes.io/instance': 'rel',
        'app.kubernetes.io/version': '1.2.3',
        'helm.sh/chart': 'mini-0.3.1',
        team: 'mesh', // user scalar replaced the default
        tier: 'mesh', // default kept by the recursive map merge
      },
      annotations: { note: 'a "quoted" <value> & more' },
    });
    expect(cm.data).toEqual({
      cluster: 'cluster-1',
      greeting: 'hello',
      missing: '',
      template: 'mini/templates/configmap.yaml',
      kube: 'v1.30.0',
      hasApps: 'true',
      service: 'Helm',
      // user list replaced the default list; nested map merged with `drop` deleted
      'settings.json': '{"nested":{"keep":true},"ports":[8080],"replicas":1}',
      'settings.yaml': 'nested:\n  keep: true\nports:\n- 8080\nreplicas: 1\n',
      rendered: 'hello, rel',
    });
  });

  it('keeps defaults when not overridden and renders tests/ templates and NOTES.txt', async () => {
    const { manifests, notes } = await helmTemplate({
      chartDir: MINI_CHART,
      values: { clusterName: 'c2', enableTestPod: true },
      notes: true,
    });
    const docs = parseManifests(manifests);
    expect(docs.map((d) => d.source)).toEqual([
      'mini/templates/configmap.yaml',
      'mini/templates/configmap.yaml',
      'mini/templates/tests/test-pod.yaml',
    ]);
    const [main, extra, pod] = docs.map((d) => d.doc as { metadata: Obj; data?: Obj });
    expect(main!.metadata.name).toBe('release-name-mini');
    expect(main!.metadata.namespace).toBe('default');
    expect(main!.metadata).not.toHaveProperty('annotations'); // `with {}` is falsy
    expect(extra!.data).toEqual({ drop: 'remove-me' });
    expect(pod!.metadata.name).toBe('release-name-mini-test');
    expect(notes).toBe('Installed mini 0.3.1 as release-name in default.\nCluster: c2\n');
    expect(manifests).not.toContain('NOTES');
  });

  it('rejects with the `required` message when a required value is missing', async () => {
    await expect(helmTemplate({ chartDir: MINI_CHART })).rejects.toThrow(
      /execution error at \(mini\/templates\/configmap\.yaml:\d+:\d+\): clusterName is required: set it to the mesh cluster name/,
    );
    await expect(helmTemplate({ chartDir: MINI_CHART, values: { clusterName: '' } })).rejects.toThrow(
      /clusterName is required/,
    );
  });

  it('rejects when the chart directory does not exist', async () => {
    await expect(helmTemplate({ chartDir: path.join(MINI_CHART, 'nope') })).rejects.toThrow(/Chart\.yaml/);
  });
});

describe('parseManifests', () => {
  it('tags documents with their source and drops empty ones', () => {
    const text =
      '---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\n# only a comment\n' +
      '---\n# Source: c/templates/c.yaml\nkind: C\n---\nkind: D\n';
    expect(parseManifests(text)).toEqual([
      { source: 'c/templates/a.yaml', doc: { kind: 'A' } },
      { source: 'c/templates/c.yaml', doc: { kind: 'C' } },
      { source: 'c/templates/c.yaml', doc: { kind: 'D' } },
    ]);
  });

  it('throws on invalid YAML', () => {
    expect(() => parseManifests('---\n# Source: x\na: [1, 2\n')).toThrow(/YAML parse error in x/);
  });
});
