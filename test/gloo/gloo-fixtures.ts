/**
 * Shared helpers of the flavor-gloo tests: the gloo golden cases and their rendered cluster
 * values, as text and parsed.
 */
import jsYaml from 'js-yaml';
import { goldenBundle } from '../helpers/golden-cases.js';
import { GLOO_VALUES_FILES } from '../../src/cluster/gloo/readme.js';

/** The golden cases of flavor gloo (test/fixtures/golden/gloo-*). */
export const GLOO_CASES = ['gloo-multicluster', 'gloo-onprem'];

/** The cluster values files of a case as text, keyed by their path under cluster/ (absent files are left out). */
export async function clusterText(name: string): Promise<Record<string, string>> {
  const bundle = await goldenBundle(name);
  const out: Record<string, string> = {};
  for (const rel of Object.values(GLOO_VALUES_FILES)) {
    const f = bundle.get(`cluster/${rel}`);
    if (f) out[rel] = String(f.content);
  }
  return out;
}

/** The cluster values files of a case, parsed. */
export async function clusterValues(name: string): Promise<Record<'crds' | 'platform' | 'istiod' | 'gateway' | 'mesh', unknown> & { managementCrds?: unknown; management?: unknown }> {
  const t = await clusterText(name);
  const load = (rel: string): unknown => (t[rel] === undefined ? undefined : jsYaml.load(t[rel]!));
  return {
    crds: load(GLOO_VALUES_FILES.crds),
    platform: load(GLOO_VALUES_FILES.platform),
    istiod: load(GLOO_VALUES_FILES.istiod),
    gateway: load(GLOO_VALUES_FILES.gateway),
    mesh: load(GLOO_VALUES_FILES.mesh),
    managementCrds: load(GLOO_VALUES_FILES.managementCrds),
    management: load(GLOO_VALUES_FILES.management),
  };
}
