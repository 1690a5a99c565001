/**
 * Shared fixtures of the cluster-side tests: which golden cases are flavor istio, and each case's
 * rendered cluster artifacts (text as written, and parsed back), cached per test file.
 */
import jsYaml from 'js-yaml';
import { goldenBundle, goldenCases, goldenModel } from '../helpers/golden-cases.js';
import type { Bundle } from '../../src/bundle/bundle.js';
import type { Model } from '../../src/model/model.js';
import type { ClusterArtifacts } from '../../src/cluster/consistency.js';
import { CLUSTER_VALUES_FILES } from '../../src/cluster/translate.js';

/** A golden case rendered, with its cluster values files as text and parsed. */
export interface RenderedCase {
  name: string;
  model: Model;
  bundle: Bundle;
  text: Record<keyof ClusterArtifacts, string>;
  parsed: ClusterArtifacts;
}

const cache = new Map<string, Promise<RenderedCase>>();

async function load(name: string): Promise<RenderedCase> {
  const [model, bundle] = await Promise.all([goldenModel(name), goldenBundle(name)]);
  const text = {} as Record<keyof ClusterArtifacts, string>;
  const parsed = {} as ClusterArtifacts;
  for (const [k, path] of Object.entries(CLUSTER_VALUES_FILES) as Array<[keyof ClusterArtifacts, string]>) {
    const f = bundle.get(path);
    if (!f || typeof f.content !== 'string') throw new Error(`golden case ${name}: ${path} is missing from the bundle`);
    text[k] = f.content;
    parsed[k] = jsYaml.load(f.content);
  }
  return { name, model, bundle, text, parsed };
}

/** Renders (once per test file) a flavor istio golden case and returns its cluster artifacts. */
export function renderedCase(name: string): Promise<RenderedCase> {
  let p = cache.get(name);
  if (!p) {
    p = load(name);
    cache.set(name, p);
  }
  return p;
}

/** Names of the golden cases whose spec is flavor istio (read from the spec, not from their names). */
export async function istioCases(): Promise<string[]> {
  const out: string[] = [];
  for (const name of goldenCases()) if ((await goldenModel(name)).flavor === 'istio') out.push(name);
  return out;
}

/** Returns a deep copy of parsed artifacts, for tests that break one on purpose. */
export function cloneArtifacts(a: ClusterArtifacts): ClusterArtifacts {
  return structuredClone(a);
}
