/**
 * Renders the e2e spec (test/e2e/fixtures/e2e-spec/) with the project's own API, pointed at this
 * run's loopback services: artifacts.mirror = the HTTPS mirror, artifacts.mirrorCA = the test CA,
 * the east-west gateway = the loopback listeners, files/mesh-root-ca.pem = the run's mesh root
 * (trust.meshRootCA, and the spec's trust.spireBundle names the same file), and a lock with the
 * stand-ins' real sha256. The rendered cluster side is installed into the SPIRE server and istiod
 * stand-ins (mesh-identity.ts).
 * A scenario may change the spec first (one config value, hostile labels) through `edit`.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { parseDocument, type Document } from 'yaml';
import { renderSpecFile } from '../../../src/api.js';
import { DEFAULT_VERSIONS } from '../../../src/artifacts/catalog.js';
import type { StandinVersions } from '../standins/build-standins.js';
import type { Bundle } from '../../../src/bundle/bundle.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { vmDir } from '../../../src/bundle/layout.js';
import { findWorkload, qualifiedWorkloadName } from '../../../src/model/find-workload.js';
import type { Model } from '../../../src/model/model.js';
import { deriveNodeIdentity } from './node-identity.js';
import { PROJECT_ROOT } from '../../validators/upstream.js';
import type { E2eEnv } from './e2e-env.js';
import { registerRenderedIdentity } from './mesh-identity.js';

const FIXTURE = path.join(PROJECT_ROOT, 'test/e2e/fixtures/e2e-spec');

/** One VM's payload files from the bundle (vms/<namespace>/<workload>/<platform>/<name>). */
export interface RenderedVm {
  /** `<namespace>/<name>`: unambiguous wherever it is looked up again (findWorkload). */
  workload: string;
  platform: string;
  /** A payload file's text; throws naming the file when the bundle lacks it. */
  file(name: string): string;
  has(name: string): boolean;
}

/** A rendered spec. */
export interface RenderedSpec {
  specPath: string;
  bundle: Bundle;
  /** Warnings the render reported (errors throw). */
  warnings: string[];
  /** `workload` is `<namespace>/<name>`, or a plain name one namespace has (as `--workload`). */
  vm(workload: string, platform: string): RenderedVm;
}

let renders = 0;

/**
 * The stand-in versions the fixture spec pins (mesh.istio.version, spire.version,
 * telemetry.collectorVersion, with the model's defaults from src/artifacts/catalog.ts): what
 * startE2eEnv builds when a scenario names no versions.
 */
export function fixtureStandinVersions(): StandinVersions {
  const spec = jsYaml.load(readFileSync(path.join(FIXTURE, 'spec.yaml'), 'utf8')) as { mesh: { istio: { version: string } }; spire?: { version?: string }; telemetry?: { collectorVersion?: string } };
  return { istio: spec.mesh.istio.version, spire: spec.spire?.version ?? DEFAULT_VERSIONS.spire, otel: spec.telemetry?.collectorVersion ?? DEFAULT_VERSIONS['otelcol-contrib'] };
}

/** Renders the e2e spec for `env`, after applying `edit` to the parsed spec document. */
export async function renderE2eSpec(env: E2eEnv, edit?: (doc: Document) => void): Promise<RenderedSpec> {
  const dir = path.join(env.workDir, `spec-${++renders}`);
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  cpSync(path.join(FIXTURE, 'files'), path.join(dir, 'files'), { recursive: true });
  writeFileSync(path.join(dir, 'files/mirror-ca.pem'), env.ca.caCertPem);
  writeFileSync(path.join(dir, 'files/onprem-host-ca.pem'), env.onprem.caPem);
  writeFileSync(path.join(dir, 'files/mesh-root-ca.pem'), env.identity.pki.root.certPem);

  const doc = parseDocument(readFileSync(path.join(FIXTURE, 'spec.yaml'), 'utf8'));
  doc.setIn(['artifacts', 'mirror'], env.mirror.url);
  doc.setIn(['artifacts', 'mirrorCA'], doc.createNode({ file: 'files/mirror-ca.pem' }));
  doc.setIn(['eastWestGateway', 'address'], env.gateway.address);
  doc.setIn(['eastWestGateway', 'ports'], doc.createNode({ ...env.gateway.ports }));
  edit?.(doc);
  const specPath = path.join(dir, 'spec.yaml');
  writeFileSync(specPath, doc.toString());

  // The lock: every artifact the spec needs, from the mirror, with the stand-in's real sha256.
  const artifacts = env.artifacts.map((a) => ({
    component: a.component, version: a.version, format: a.format, arch: a.arch, url: `${env.mirror.url}/${a.mirrorPath}`, sha256: a.sha256,
  }));
  writeFileSync(path.join(dir, 'spec.lock.yaml'), jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts }, { forceQuotes: true, lineWidth: -1 }));

  const result = await renderSpecFile(specPath);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.bundle || !result.model || errors.length > 0) {
    throw new Error(`rendering the e2e spec failed:\n${result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}: ${d.message}`).join('\n')}`);
  }
  // The SPIRE server stand-in attests by this spec and registers its entries; the metadata stubs
  // describe a VM of its first placement (ratings on aws-e2e; the fixture's AWS platforms share
  // selectors, dc1 uses env.onprem's CN).
  env.identity.spireServer.trust(result.model);
  await registerRenderedIdentity(env.identity, result.bundle);
  const w = result.model.workloads[0]!;
  env.control.metadata.setIdentity(deriveNodeIdentity(result.model, w.name, w.placements[0]!.platform));
  return wrapRendered(specPath, result.bundle, result.diagnostics, result.model);
}

/**
 * Wraps a rendered bundle for the scenarios: per-VM file access (the workload looked up in
 * `model` as the CLI's `--workload` does, its files found through src/bundle/layout.ts), warnings.
 */
export function wrapRendered(specPath: string, bundle: Bundle, diagnostics: Diagnostic[], model: Pick<Model, 'workloads'>): RenderedSpec {
  return {
    specPath,
    bundle,
    warnings: diagnostics.filter((d) => d.severity !== 'error').map((d) => `${d.code}: ${d.message}`),
    vm(workload, platform) {
      const w = findWorkload(model.workloads, workload);
      const base = `${vmDir(w, platform)}/`;
      const get = (name: string): string | undefined => {
        const f = bundle.get(base + name);
        return f === undefined ? undefined : typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
      };
      return {
        workload: qualifiedWorkloadName(w),
        platform,
        has: (name) => get(name) !== undefined,
        file(name) {
          const text = get(name);
          if (text === undefined) throw new Error(`the bundle has no ${base + name}; it has: ${[...bundle.keys()].filter((k) => k.startsWith(base)).join(', ')}`);
          return text;
        },
      };
    },
  };
}
