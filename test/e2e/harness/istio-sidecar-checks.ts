/**
 * What the stand-in pilot-agent asks the host to check about its inputs: `cluster.env` and the
 * mesh config. No unit-test validator covers these two files, so the rules here come from how
 * upstream writes and reads them: istioctl's `workload entry configure` output format (sorted
 * KEY='value' lines, ../shared/upstream/istio/workload-testdata/*\/cluster.env.golden), bash
 * sourcing it (istio-start.sh), and pilot-agent decoding the mesh file (YAML into typed structs).
 * The key set is deliberately not checked: istio-start.sh, pilot-agent and istio-iptables read
 * many variables that neither the goldens nor sidecar.env list (PILOT_ADDRESS, ...).
 */
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../validators/upstream.js';

/**
 * A cluster.env line: KEY=<one shell word made only of single-quoted parts>, where a literal '
 * is written as "'" (alessio/shellescape, which istioctl uses) or \' . Nothing in such a word
 * is expanded by the bash that sources the file.
 */
const LINE = /^([A-Z_][A-Z0-9_]*)=((?:'[^']*'|"'"|\\')+)$/;

/** Decodes a word LINE accepted into the value bash assigns. */
function decodeWord(word: string): string {
  let out = '';
  for (const m of word.matchAll(/'([^']*)'|"'"|\\'/g)) out += m[1] ?? "'";
  return out;
}

/** Result of checking cluster.env: problems, and the values as a shell that sources it would see them. */
export interface ClusterEnvResult {
  errors: string[];
  values: Record<string, string>;
}

/**
 * Checks cluster.env text: every line KEY='value' in shell single quotes (istioctl's
 * shellescape quoting), keys sorted and unique. A generated-file header comment is allowed.
 */
export function checkClusterEnv(text: string): ClusterEnvResult {
  const errors: string[] = [];
  const values: Record<string, string> = {};
  if (text.includes('\r')) errors.push('cluster.env: contains CR characters (must be LF only)');
  const keysInOrder: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) {
      errors.push(`cluster.env:${i + 1}: not KEY='value' (single-quoted shell word): ${JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}…` : line)}`);
      return;
    }
    const [, key, raw] = m as unknown as [string, string, string];
    if (Object.hasOwn(values, key)) errors.push(`cluster.env:${i + 1}: ${key} set twice`);
    values[key] = decodeWord(raw);
    keysInOrder.push(key);
  });
  const sorted = [...keysInOrder].sort();
  if (keysInOrder.join('\n') !== sorted.join('\n')) errors.push('cluster.env: keys are not sorted (istioctl writes them sorted)');
  if (keysInOrder.length === 0) errors.push('cluster.env: no variables');
  return { errors, values };
}

/**
 * Compares what cluster.env says with the environment pilot-agent actually received after
 * istio-start.sh sourced the file with bash: any difference means shell quoting mangled a
 * value (or executed part of it).
 */
export function compareSourcedEnv(fileValues: Record<string, string>, env: Record<string, string>): string[] {
  return Object.entries(fileValues)
    .filter(([k, v]) => env[k] !== v)
    .map(([k, v]) => `${k}: cluster.env says ${JSON.stringify(v)} but pilot-agent got ${JSON.stringify(env[k] ?? null)} after bash sourced it`);
}

/**
 * Checks the mesh config file the way pilot-agent decodes it (YAML into the MeshConfig proto
 * through JSON): a mapping whose `defaultConfig` is a ProxyConfig mapping; `proxyMetadata` is a
 * map<string,string>, so a YAML bool or number there is a decode error; `discoveryAddress` is host:port.
 */
export function checkMeshConfig(text: string): { errors: string[]; parsed: unknown } {
  const errors: string[] = [];
  let parsed: unknown;
  try {
    // Go's YAML decoders follow YAML 1.1 scalars (yes/no/on/off are booleans).
    parsed = parseYaml(text, { version: '1.1', uniqueKeys: true });
  } catch (e) {
    return { errors: [`mesh config: not valid YAML: ${(e as Error).message}`], parsed: undefined };
  }
  if (!isPlainObject(parsed)) return { errors: ['mesh config: must be a mapping'], parsed };
  const dc = parsed.defaultConfig;
  if (dc === undefined) errors.push('mesh config: defaultConfig missing (the VM proxy takes its settings from it)');
  else if (!isPlainObject(dc)) errors.push('mesh config: defaultConfig must be a mapping');
  else {
    if (typeof dc.discoveryAddress !== 'string' || !/^[^\s:]+(:\d{1,5})$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(dc.discoveryAddress)) {
      errors.push(`mesh config: defaultConfig.discoveryAddress must be host:port, got ${JSON.stringify(dc.discoveryAddress)}`);
    }
    if (dc.proxyMetadata !== undefined) {
      if (!isPlainObject(dc.proxyMetadata)) errors.push('mesh config: defaultConfig.proxyMetadata must be a map of strings');
      else {
        for (const [k, v] of Object.entries(dc.proxyMetadata)) {
          if (typeof v !== 'string') errors.push(`mesh config: defaultConfig.proxyMetadata.${k} is a ${typeof v}, but ProxyConfig.proxyMetadata is map<string,string>`);
        }
      }
    }
  }
  return { errors, parsed };
}
