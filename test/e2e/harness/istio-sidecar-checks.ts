/**
 * What the stand-in pilot-agent asks the host to check about its inputs: `cluster.env` and the
 * mesh config. No unit-test validator covers these two files, so the rules here come straight
 * from upstream: the key set of istioctl's `workload entry configure` goldens plus the knobs
 * documented in the packaged sidecar.env (../shared/upstream/istio/), istioctl's quoting, and
 * how pilot-agent decodes the mesh file (Go YAML into typed structs).
 */
import { parse as parseYaml } from 'yaml';
import { isPlainObject, readUpstream } from '../../validators/upstream.js';

const GOLDEN_DIRS = ['vmconfig/ipv4', 'vmconfig/ipv6', 'vmconfig-nil-proxy-metadata'];

/** A cluster.env line as istioctl writes it: KEY='value' with ' written as '\'' . */
const LINE = /^([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'$/;

let knownKeys: Set<string> | undefined;

/** Keys pilot-agent/istio-start.sh read: the istioctl goldens' keys and sidecar.env's documented `# KEY=` knobs. */
function loadKnownKeys(): Set<string> {
  if (knownKeys) return knownKeys;
  const keys = new Set<string>();
  for (const dir of GOLDEN_DIRS) {
    for (const line of readUpstream(`istio/workload-testdata/${dir}/cluster.env.golden`).split('\n')) {
      const m = LINE.exec(line);
      if (m) keys.add(m[1]!);
    }
  }
  for (const m of readUpstream('istio/packaging/sidecar.env').matchAll(/^#\s*([A-Z_][A-Z0-9_]*)=/gm)) keys.add(m[1]!);
  knownKeys = keys;
  return keys;
}

/** Result of checking cluster.env: problems, and the values as a shell that sources it would see them. */
export interface ClusterEnvResult {
  errors: string[];
  values: Record<string, string>;
}

/**
 * Checks cluster.env text: every line KEY='value' in istioctl's quoting, keys sorted and unique,
 * each key one upstream knows (or an ISTIO_META_* / ISTIO_METAJSON_* proxy metadata variable,
 * which pilot-agent reads generically). A generated-file header comment is allowed.
 */
export function checkClusterEnv(text: string): ClusterEnvResult {
  const errors: string[] = [];
  const values: Record<string, string> = {};
  const known = loadKnownKeys();
  if (text.includes('\r')) errors.push('cluster.env: contains CR characters (must be LF only)');
  const keysInOrder: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) {
      errors.push(`cluster.env:${i + 1}: not KEY='value' with single-quote escaping: ${JSON.stringify(line)}`);
      return;
    }
    const [, key, raw] = m as unknown as [string, string, string];
    if (Object.hasOwn(values, key)) errors.push(`cluster.env:${i + 1}: ${key} set twice`);
    if (!known.has(key) && !/^ISTIO_META(JSON)?_[A-Z0-9_]+$/.test(key)) {
      errors.push(`cluster.env:${i + 1}: ${key} is not a key istioctl writes nor one sidecar.env documents`);
    }
    values[key] = raw.replaceAll("'\\''", "'");
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
