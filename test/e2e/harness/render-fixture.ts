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
import type { Bundle } from '../../../src/bundle/bundle.js';
import { PROJECT_ROOT } from '../../validators/upstream.js';
import type { E2eEnv } from './e2e-env.js';
import { registerRenderedIdentity } from './mesh-identity.js';

const FIXTURE = path.join(PROJECT_ROOT, 'test/e2e/fixtures/e2e-spec');

/** One VM's payload files from the bundle (vms/<workload>/<platform>/<name>). */
export interface RenderedVm {
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
  vm(workload: string, platform: string): RenderedVm;
}

let renders = 0;

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
  if (!result.bundle || errors.length > 0) {
    throw new Error(`rendering the e2e spec failed:\n${result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}: ${d.message}`).join('\n')}`);
  }
  const bundle = result.bundle;
  await registerRenderedIdentity(env.identity, bundle);
  return {
    specPath,
    bundle,
    warnings: result.diagnostics.filter((d) => d.severity !== 'error').map((d) => `${d.code}: ${d.message}`),
    vm(workload, platform) {
      const base = `vms/${workload}/${platform}/`;
      const get = (name: string): string | undefined => {
        const f = bundle.get(base + name);
        return f === undefined ? undefined : typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
      };
      return {
        workload,
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
