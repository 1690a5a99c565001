// Every YAML output of the VM agents (mesh.yaml, the collector config) read back through PyYAML,
// the YAML 1.1 reader cloud-init uses: values YAML 1.1 would turn into booleans, numbers or null
// must come back as the exact strings (architecture guide §4; cloud-init.md §3.6).
import { describe, expect, it } from 'vitest';
import { readManyWithPyYAML, readWithPyYAML } from '../validators/pyyaml.js';
import { buildMeshConfig, renderMeshConfig } from '../../src/vm/mesh-config.js';
import { buildOtelConfig, renderOtelConfig } from '../../src/vm/otel-config.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { dumpYaml } from '../../src/render/yaml.js';
import { allPlacements, firstPlacement, ISTIO_CASES, variantOf } from './model-variants.js';

/** Scalars a YAML 1.1 reader misreads when they are left bare. */
const CORPUS = ['yes', 'on', 'off', 'no', 'y', 'n', '0640', '1_000', '0x_1F', '=', '~', 'null', 'Null', 'true', '1e3', '.inf', '2024-01-01', '12:30:00', '-', '<<', '', ' leading space', 'a: b', '# not a comment', '!tag', '&anchor', '*alias', '|', '>', "'", '"', '\\', 'multi\nline', '\t'];

type Obj = Record<string, unknown>;

describe('PyYAML reads the corpus back as exact strings', () => {
  it('through the collector config (as resource attribute values)', async () => {
    const model = await variantOf('aws-cloudinit', (m) => {
      m.telemetry.resourceAttributes = Object.fromEntries(CORPUS.map((v, i) => [`corpus.${String(i).padStart(2, '0')}`, v]));
    });
    const { workload, placement } = firstPlacement(model);
    const parsed = (await readWithPyYAML(renderOtelConfig(model, workload, placement))) as Obj;
    const attrs = ((parsed.processors as Obj)['resource/mesh'] as { attributes: Array<{ key: string; value: unknown }> }).attributes;
    const back = Object.fromEntries(attrs.filter((a) => a.key.startsWith('corpus.')).map((a) => [a.key, a.value]));
    expect(back).toEqual(model.telemetry.resourceAttributes);
    expect(parsed).toEqual(buildOtelConfig(model, workload, placement));
  });

  it('through mesh.yaml (as label values, which reach proxyMetadata)', async () => {
    const model = await variantOf('gcp-startup-script');
    const { workload } = firstPlacement(model);
    const texts: string[] = [];
    for (const value of CORPUS) {
      workload.labels = { app: value, version: value };
      texts.push(renderMeshConfig(model, workload));
    }
    const parsed = (await readManyWithPyYAML(texts)) as Obj[];
    parsed.forEach((doc, i) => {
      const md = (doc.defaultConfig as Obj).proxyMetadata as Obj;
      expect(md.CANONICAL_SERVICE).toBe(CORPUS[i]);
      expect(md.CANONICAL_REVISION).toBe(CORPUS[i]);
      workload.labels = { app: CORPUS[i]!, version: CORPUS[i]! };
      expect(doc).toEqual(buildMeshConfig(model, workload));
    });
  });

  it('the corpus would break without quoting (so this test can fail)', async () => {
    // The same values through an unquoted dump: PyYAML turns some into non-strings.
    const bare = CORPUS.slice(0, 12)
      .filter((v) => v !== '=')
      .map((v, i) => `k${i}: ${v}`)
      .join('\n');
    const parsed = (await readWithPyYAML(bare)) as Obj;
    expect(Object.values(parsed).filter((v) => typeof v !== 'string').length).toBeGreaterThan(5);
    // A bare `=` is PyYAML's value tag, which safe_load refuses outright.
    await expect(readWithPyYAML('k: =')).rejects.toThrow(/tag:yaml.org,2002:value/);
    expect(await readWithPyYAML(dumpYaml({ k: '0x_1F' }))).toEqual({ k: '0x_1F' });
  });
});

describe('every YAML agent file of every golden case', () => {
  it('reads back through PyYAML as exactly the object that was built', async () => {
    const texts: string[] = [];
    const built: unknown[] = [];
    for (const name of ISTIO_CASES) {
      const model = await variantOf(name);
      for (const { workload, placement } of allPlacements(model)) {
        for (const f of listAgentFiles(model, workload, placement).filter((x) => x.bundlePath.endsWith('.yaml'))) {
          texts.push(f.content);
          built.push(f.bundlePath === 'istio/mesh.yaml' ? buildMeshConfig(model, workload) : buildOtelConfig(model, workload, placement));
        }
      }
    }
    expect(texts.length).toBeGreaterThanOrEqual(ISTIO_CASES.length * 2);
    expect(await readManyWithPyYAML(texts)).toEqual(built);
  });
});
