/**
 * Property: every YAML file a hostile spec renders reads back through PyYAML (the YAML 1.1 reader
 * cloud-init uses; never our own library) to exactly the intended values:
 * - the whole document equals what a YAML 1.2 reader sees (no scalar turns into a bool, number,
 *   date or null under YAML 1.1);
 * - user-data.yaml's write_files, decoded by their `encoding`, are byte for byte the bootstrap
 *   and any AgentFiles (listAgentFiles) staged that way;
 * - mesh.yaml carries the labels (as istioctl's JSON) and the probe's path, command or service;
 * - the collector config carries each resource attribute and the canonical service name, with
 *   every `$` doubled so the collector's `${env:…}` expansion gives back the literal text;
 * - the cluster values carry labels, annotations, probe, gateway labels and SPIRE selectors.
 * Chart templates under cluster/charts/ are Go templates copied verbatim, not YAML output.
 */
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/bundle.js';
import { BOOTSTRAP_VM_PATH, STAGED_DIR } from '../../src/delivery/vm-paths.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { canonicalService } from '../../src/vm/proxy-metadata.js';
import { readManyWithPyYAML } from '../validators/pyyaml.js';
import { count, Failures, forEachRenderedChunk, type IndexedCase } from './corpus.js';
import { timeoutFor } from './fuzz-settings.js';
import type { HostileValues } from './hostile-spec.js';
import { bundlePaths, bundleText, uncompressedPath, VM_DIRS } from './render-case.js';
import { writeFilesByPath } from './write-files.js';

type Obj = Record<string, any>;

/** The YAML files of a bundle that vmonboard serialized (not the verbatim chart). */
function yamlPaths(bundle: Bundle): string[] {
  // A compressed payload (user-data.yaml.gz) counts under its plain name; bundleText decodes it.
  return bundlePaths(bundle, (p) => /\.yaml(\.gz(\.b64)?)?$/.test(p) && !p.startsWith('cluster/charts/')).map(uncompressedPath);
}

/** The collector reads `$$` as `$`; returns what it sees, or undefined if a lone `$` would expand. */
function collectorValue(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  if (/\$/.test(s.replace(/\$\$/g, ''))) return undefined;
  return s.replace(/\$\$/g, '$');
}

/** Every `selectors` list anywhere under a value. */
function allSelectors(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allSelectors);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Obj).flatMap(([k, v]) => (k === 'selectors' && Array.isArray(v) ? v.map(String) : allSelectors(v)));
  }
  return [];
}

/** The probe of mesh.yaml's readinessProbe and of the registration values, as intended. */
function expectProbe(probe: Obj | undefined, v: HostileValues): void {
  if (v.probe.kind === 'httpGet') expect(probe?.httpGet?.path).toBe(v.probe.path);
  if (v.probe.kind === 'exec') expect(probe?.exec?.command).toEqual(v.probe.command);
  if (v.probe.kind === 'grpc') expect(probe?.grpc?.service).toBe(v.probe.service);
}

/** Checks the located values of one case against the parsed documents (by bundle path). */
function checkValues(c: IndexedCase, docs: Map<string, unknown>): void {
  const { model, bundle } = c.rendered;
  const v = c.rendered.input.values;
  const w = model!.workloads[0]!;
  const canonical = canonicalService(w);
  const labelsJson = { ...v.workloadLabels, 'service.istio.io/canonical-name': canonical.name, 'service.istio.io/canonical-revision': canonical.revision };

  // cloud-init: write_files hold the bootstrap the bundle shows and, if the payload stages agent
  // files through write_files rather than inside the script, exactly those AgentFiles. Either way
  // test/hardening/canary-sandbox.test.ts checks the bytes each file ends up with on the VM.
  const written = writeFilesByPath(docs.get(`${VM_DIRS.aws}/user-data.yaml`));
  const awsPlacement = w.placements.find((p) => p.platform === 'aws-prod')!;
  const agentFiles = new Map(listAgentFiles(model!, w, awsPlacement).map((f) => [`${STAGED_DIR}/${f.bundlePath}`, f.content]));
  expect(written.get(BOOTSTRAP_VM_PATH), 'write_files bootstrap').toBe(bundleText(bundle!, `${VM_DIRS.aws}/bootstrap.sh`));
  for (const [path, content] of written) {
    if (path !== BOOTSTRAP_VM_PATH) expect(content, `write_files ${path}`).toBe(agentFiles.get(path));
  }

  for (const dir of Object.values(VM_DIRS)) {
    const mesh = docs.get(`${dir}/istio/mesh.yaml`) as Obj;
    expect(JSON.parse(mesh.defaultConfig.proxyMetadata.ISTIO_METAJSON_LABELS as string), `${dir} mesh.yaml labels`).toEqual(labelsJson);
    expectProbe(mesh.defaultConfig.readinessProbe as Obj, v);

    const otel = docs.get(`${dir}/otel/config.yaml`) as Obj;
    const attrs = new Map((otel.processors['resource/mesh'].attributes as Array<{ key: string; value: unknown }>).map((a) => [collectorValue(a.key), collectorValue(a.value)]));
    expect(attrs.get('service.name'), `${dir} service.name`).toBe(canonical.name);
    for (const [k, val] of Object.entries(v.resourceAttributes)) expect(attrs.get(k), `${dir} attribute ${k}`).toBe(val);
  }

  const reg = docs.get('cluster/mesh-registration.values.yaml') as Obj;
  const regWorkload = (reg.workloads as Obj[]).find((x) => x.name === 'ratings')!;
  expect(regWorkload.labels).toEqual(v.workloadLabels);
  expect(regWorkload.annotations).toEqual(v.annotations);
  expectProbe(regWorkload.probe as Obj, v);
  const gatewayLabels = { istio: 'eastwestgateway', ...v.gatewayLabels };
  expect(reg.eastWest.selector).toEqual(gatewayLabels);
  expect((docs.get('cluster/eastwest-gateway.values.yaml') as Obj).labels).toMatchObject(gatewayLabels);

  const selectors = new Set(allSelectors(docs.get('cluster/spire.values.yaml')));
  const wanted = [
    ...Object.entries(v.awsTags).map(([k, val]) => `aws_iid:tag:${k}:${val}`),
    ...(v.securityGroupName !== undefined ? [`aws_iid:sg:name:${v.securityGroupName}`] : []),
    `x509pop:subject:cn:${v.subjectCN}`,
  ];
  for (const s of wanted) expect(selectors.has(s), `SPIRE selector ${JSON.stringify(s)}`).toBe(true);
}

describe('hostile values read back through PyYAML exactly', () => {
  it(
    'every emitted YAML document, and every injected value where its consumer reads it',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('yaml-readback', 50, async (chunk, stats) => {
        const texts: Array<{ c: IndexedCase; path: string; text: string }> = [];
        for (const c of chunk) for (const path of yamlPaths(c.rendered.bundle!)) texts.push({ c, path, text: bundleText(c.rendered.bundle!, path) });
        // One Python process per chunk; a document PyYAML refuses fails the chunk with its index.
        const parsed = await readManyWithPyYAML(texts.map((t) => t.text));
        count(stats, 'YAML documents', texts.length);
        const byCase = new Map<IndexedCase, Map<string, unknown>>();
        texts.forEach((t, i) => {
          const doc = parsed[i];
          try {
            expect(doc, `${t.path}: PyYAML (YAML 1.1) and a YAML 1.2 reader disagree`).toEqual(jsYaml.load(t.text));
          } catch (e) {
            failures.add(t.c, (e as Error).message);
          }
          if (!byCase.has(t.c)) byCase.set(t.c, new Map());
          byCase.get(t.c)!.set(t.path, doc);
        });
        for (const [c, docs] of byCase) {
          try {
            checkValues(c, docs);
            count(stats, 'cases with every value located');
          } catch (e) {
            failures.add(c, (e as Error).message);
          }
        }
      });
      expect(failures.report()).toEqual([]);
    },
    timeoutFor(250),
  );
});
