/**
 * Checks a SPIRE agent config in SPIRE's JSON form against the v1.15.3 reference
 * (`spire-reference.ts`: agent_full.conf, spire_agent.md, plugin_agent_*.md).
 *
 * Accepted shapes (all read natively by SPIRE's HCL v1 parser):
 * - `{ agent: {...}, plugins: { <Type>: [ { <name>: { plugin_data: {...} } } ] }, health_checks, telemetry }`
 * - `plugins.<Type>` as a map `{ <name>: {...} }`
 * - the HCL-v1-decoded form, where every block is a list of maps (`agent: [ {...} ]`).
 * They are normalized to plain maps first.
 *
 * Project rules on top of the reference (shared/architecture.md §4, spire-otel.md §5):
 * `agent.insecure_bootstrap` must not appear at all (not even `false`), and no string may contain
 * `${`: the agent never runs with `-expandEnv`, so such text would be taken literally.
 */
import { loadSpireAgentReference, type KeyNode } from './spire-reference.js';
import { escapePointerToken, isPlainObject } from './upstream.js';

/** Bootstrap sources of which spire_agent.md says "Only one of these four main options may be set at a time" (the fourth, insecure_bootstrap, is banned). */
const BUNDLE_SOURCES = ['trust_bundle_path', 'trust_bundle_url', 'trust_bundle_spiffe_workload_api'];

const ptr = (base: string, key: string | number): string => `${base}/${escapePointerToken(key)}`;

/** Merges HCL-v1 block lists (`[ {...}, {...} ]`) into one map, recursively; other values are kept. */
function unwrapBlocks(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    return unwrapBlocks(Object.assign({}, ...value));
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapBlocks(v)]));
  return value;
}

/** One `PluginType "name" { }` declaration, in declaration order. */
interface PluginDecl {
  type: string;
  name: string;
  body: unknown;
}

/** Flattens `plugins` (list of single-name maps per type, or maps) into declarations, reporting duplicate names. */
function listPlugins(plugins: unknown[], errors: string[]): PluginDecl[] {
  const out: PluginDecl[] = [];
  const seen = new Set<string>();
  for (const entry of plugins) {
    if (!isPlainObject(entry)) {
      errors.push('/plugins: must be a map of plugin types');
      continue;
    }
    for (const [type, value] of Object.entries(entry)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (!isPlainObject(item)) {
          errors.push(`${ptr('/plugins', type)}: each plugin must be a map { "<name>": { ... } }`);
          continue;
        }
        for (const [name, body] of Object.entries(item)) {
          if (seen.has(`${type}/${name}`)) errors.push(`${ptr(ptr('/plugins', type), name)}: plugin declared twice`);
          seen.add(`${type}/${name}`);
          out.push({ type, name, body });
        }
      }
    }
  }
  return out;
}

/** Reports every string (and key) containing `${`, which only -expandEnv would substitute. */
function findEnvExpansions(value: unknown, pointer: string, errors: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('${')) errors.push(`${pointer || '/'}: contains "\${" but the agent never runs with -expandEnv`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findEnvExpansions(v, ptr(pointer, i), errors));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('${')) errors.push(`${ptr(pointer, k)}: key contains "\${"`);
      findEnvExpansions(v, ptr(pointer, k), errors);
    }
  }
}

/** Checks the keys of a map against a reference block, recursing into nested blocks the reference knows. */
function checkKeys(value: unknown, node: KeyNode, pointer: string, errors: string[]): void {
  if (!isPlainObject(value)) {
    errors.push(`${pointer}: must be a block (map)`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const child = node.children.get(k);
    if (!child) errors.push(`${ptr(pointer, k)}: unknown key "${k}" (not in agent_full.conf or spire_agent.md of SPIRE 1.15.3)`);
    else if (child.children.size > 0 && isPlainObject(v)) checkKeys(v, child, ptr(pointer, k), errors);
  }
}

/** Checks one `PluginType "name" { }` block: block keys, plugin_data keys, required plugin_data keys. */
function checkPlugin(type: string, name: string, body: unknown, errors: string[]): void {
  const ref = loadSpireAgentReference();
  const at = ptr(ptr('/plugins', type), name);
  const plugin = ref.plugins.get(`${type}/${name}`);
  if (!plugin) {
    errors.push(`${at}: no built-in ${type} plugin "${name}" in SPIRE 1.15.3 (spire_agent.md "Built-in plugins")`);
    return;
  }
  if (!isPlainObject(body)) {
    errors.push(`${at}: must be a block`);
    return;
  }
  for (const k of Object.keys(body)) if (!ref.pluginBlockKeys.has(k)) errors.push(`${ptr(at, k)}: unknown plugin key (allowed: ${[...ref.pluginBlockKeys].join(', ')})`);
  if (body.plugin_data !== undefined && body.plugin_data_file !== undefined) errors.push(`${at}: plugin_data and plugin_data_file are mutually exclusive (spire_agent.md)`);
  const data = body.plugin_data ?? {};
  if (!isPlainObject(data)) {
    errors.push(`${ptr(at, 'plugin_data')}: must be a block`);
    return;
  }
  if (plugin.keys === null) {
    errors.push(`${at}: built-in, but neither its doc nor agent_full.conf is in shared/upstream, so its plugin_data cannot be checked`);
    return;
  }
  for (const k of Object.keys(data)) {
    if (!plugin.keys.has(k)) errors.push(`${ptr(ptr(at, 'plugin_data'), k)}: unknown plugin_data key for ${type} "${name}" (${plugin.source} lists: ${[...plugin.keys].join(', ') || 'none'})`);
  }
  for (const k of plugin.required) if (data[k] === undefined) errors.push(`${ptr(at, 'plugin_data')}: ${k} is required (${plugin.source})`);
}

/**
 * Returns every problem with a SPIRE agent config in JSON form (each "<json pointer>: <message>"),
 * empty when every key exists in SPIRE 1.15.3's reference and the project rules hold.
 */
export function checkSpireAgentConfig(cfg: unknown): string[] {
  const errors: string[] = [];
  findEnvExpansions(cfg, '', errors);
  const config = unwrapBlocks(cfg);
  if (!isPlainObject(config)) return [...errors, '/: agent config must be a map'];
  const ref = loadSpireAgentReference();

  for (const [section, value] of Object.entries(config)) {
    const node = ref.root.children.get(section);
    if (!node) errors.push(`${ptr('', section)}: unknown top-level block (allowed: ${[...ref.root.children.keys()].join(', ')})`);
    else if (section !== 'plugins') checkKeys(value, node, ptr('', section), errors);
  }

  const agent = isPlainObject(config.agent) ? config.agent : undefined;
  if (!agent) errors.push('/agent: required block');
  else {
    if (Object.hasOwn(agent, 'insecure_bootstrap')) errors.push('/agent/insecure_bootstrap: must not be set at all (a MITM could control the SPIRE infrastructure; spire_agent.md)');
    const sources = BUNDLE_SOURCES.filter((k) => agent[k] !== undefined);
    if (sources.length > 1) errors.push(`/agent: only one bootstrap bundle source may be set (spire_agent.md), found ${sources.join(', ')}`);
    if (sources.length === 0) errors.push(`/agent: needs a bootstrap bundle source (${BUNDLE_SOURCES.join(' | ')}), since insecure_bootstrap is not allowed`);
  }

  // Read plugins from the raw input: unwrapBlocks would merge same-type plugin lists and hide duplicates.
  const rawPlugins = isPlainObject(cfg) ? cfg.plugins : undefined;
  if (rawPlugins === undefined) errors.push('/plugins: required block');
  else {
    const badTypes = new Set<string>();
    for (const { type, name, body } of listPlugins(Array.isArray(rawPlugins) ? rawPlugins : [rawPlugins], errors)) {
      if (ref.pluginTypes.has(type)) checkPlugin(type, name, unwrapBlocks(body), errors);
      else if (!badTypes.has(type)) {
        badTypes.add(type);
        errors.push(`${ptr('/plugins', type)}: unknown plugin type (allowed: ${[...ref.pluginTypes].join(', ')})`);
      }
    }
  }
  return errors;
}
