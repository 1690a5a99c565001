/**
 * The SPIRE agent (v1.15.3) configuration reference, extracted from the upstream files.
 *
 * - `spiffe-spire/conf/agent/agent_full.conf`: every option as commented HCL. Keys appear as
 *   `# key = value` (or uncommented) lines inside `agent { }`, `health_checks { }`,
 *   `telemetry { }` and nested blocks such as `sds = { }`, `experimental { }`.
 * - `spiffe-spire/doc/spire_agent.md`: the config tables (agent, experimental, ratelimit, SDS,
 *   plugin block), the plugin-type table, the built-in plugin table and the health-check example.
 * - `spiffe-spire/doc/plugin_agent_*.md`: one doc per plugin, with a "Configuration" table listing
 *   its `plugin_data` keys (and a "Required" column where some are required).
 *
 * Key sets are built from both sources; every key remembers where it was found, so a test can
 * cross-check the two.
 */
import fs from 'node:fs';
import { readUpstream, upstreamPath } from './upstream.js';

const FULL_CONF = 'spiffe-spire/conf/agent/agent_full.conf';
const AGENT_DOC = 'spiffe-spire/doc/spire_agent.md';

/** A config block: its keys, each with the files that document it and, for nested blocks, their keys. */
export interface KeyNode {
  sources: Set<string>;
  children: Map<string, KeyNode>;
}

/** What one agent plugin accepts, from its doc. */
export interface PluginReference {
  type: string;
  name: string;
  /** Allowed `plugin_data` keys (plugin doc ∪ agent_full.conf); null when neither documents the plugin. */
  keys: Set<string> | null;
  required: Set<string>;
  source: string;
}

/** Everything the SPIRE agent config checker needs. */
export interface SpireAgentReference {
  /** Top-level sections (agent, plugins, telemetry, health_checks) with their key trees. */
  root: KeyNode;
  pluginTypes: Set<string>;
  /** Keys of a `PluginType "name" { }` block (plugin_cmd, plugin_data, ...). */
  pluginBlockKeys: Set<string>;
  /** Plugins by `<Type>/<name>`. */
  plugins: Map<string, PluginReference>;
}

const newNode = (): KeyNode => ({ sources: new Set(), children: new Map() });

/** Adds `key` under `node` (creating it) and records `source`. */
function addKey(node: KeyNode, key: string, source: string): KeyNode {
  let child = node.children.get(key);
  if (!child) node.children.set(key, (child = newNode()));
  child.sources.add(source);
  return child;
}

/**
 * Parses the commented HCL of agent_full.conf into a key tree. Comment markers are stripped, then
 * braces and brackets are tracked: `name {`, `name = {`, `Type "label" {` open named blocks,
 * `name = [` opens a list whose `{ ... }` items contribute keys to `name`; any other line ending in
 * `{` (prose such as a logrotate example) opens an ignored frame so the nesting stays balanced.
 */
export function parseFullConf(text: string, source = FULL_CONF): KeyNode {
  const root = newNode();
  type Frame = { node: KeyNode | null };
  const stack: Frame[] = [{ node: root }];
  const top = (): Frame => stack[stack.length - 1]!;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*(#\s*)*/, '').trim();
    if (line === '') continue;
    // Only an unindented `name {` (optionally behind one "# ") opens a top-level section; the
    // indented `PluginType "plugin_name" {` in the plugins comment is a grammar illustration.
    const atTop = stack.length === 1;
    const block = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:"([^"]*)"\s*)?=?\s*\{$/.exec(line);
    if (block && (!atTop || /^(# )?[a-z_]+\s*\{\s*$/.test(raw))) {
      const parent = top().node;
      // A labelled block (`KeyManager "disk" {`) is recorded as `KeyManager/disk`.
      const key = block[2] === undefined ? block[1]! : `${block[1]}/${block[2]}`;
      stack.push({ node: parent ? addKey(parent, key, source) : null });
      continue;
    }
    const list = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\[$/.exec(line);
    if (list) {
      const parent = top().node;
      stack.push({ node: parent ? addKey(parent, list[1]!, source) : null });
      continue;
    }
    if (line.endsWith('{') || line.endsWith('[')) {
      // An anonymous list item `{` keeps its list's node; anything else is prose: ignore inside.
      stack.push({ node: line === '{' ? top().node : null });
      continue;
    }
    if (/^[}\]],?$/.test(line)) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const node = top().node;
    if (!node || node === root) continue;
    const inline = /^\{(.*)\},?$/.exec(line);
    if (inline) {
      for (const m of inline[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=/g)) addKey(node, m[1]!, source);
      continue;
    }
    // The value must be a whole HCL value: prose such as `type_url = "*" to allow any ...` is not a key line.
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|-?[0-9.]+|true|false|\[.*\]|\{.*\}|<[^>]*>),?$/.exec(line);
    if (kv) addKey(node, kv[1]!, source);
  }
  if (stack.length !== 1) throw new Error(`${source}: unbalanced braces (${stack.length - 1} open at end); the parser needs updating`);
  return root;
}

/** A markdown table with the heading it sits under. */
interface DocTable {
  heading: string;
  header: string[];
  rows: string[][];
}

const cell = (s: string): string => s.trim().replace(/^`|`$/g, '').trim();

/** Extracts every pipe table of a markdown file, each tagged with its nearest heading. */
export function parseMarkdownTables(text: string): DocTable[] {
  const tables: DocTable[] = [];
  let heading = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = /^#+\s+(.*)$/.exec(line);
    if (h) heading = h[1]!.trim();
    if (!line.startsWith('|') || !/^\|\s*:?-+/.test(lines[i + 1] ?? '')) continue;
    const split = (l: string): string[] => l.trim().replace(/^\||\|$/g, '').split('|').map(cell);
    const table: DocTable = { heading, header: split(line), rows: [] };
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) table.rows.push(split(lines[i]!));
    i--;
    tables.push(table);
  }
  return tables;
}

/** Finds exactly one table matching `pred`; throws naming the doc, because a reformatted doc must not silently widen the key sets. */
function oneTable(tables: DocTable[], what: string, pred: (t: DocTable) => boolean): DocTable {
  const found = tables.filter(pred);
  if (found.length !== 1) throw new Error(`${AGENT_DOC}: expected one ${what} table, found ${found.length}`);
  return found[0]!;
}

/** Adds the keys of `spire_agent.md`'s config tables (and its health_checks example) to the tree. */
function addAgentDocKeys(root: KeyNode, tables: DocTable[], text: string): void {
  const agent = addKey(root, 'agent', AGENT_DOC);
  const experimental = addKey(agent, 'experimental', AGENT_DOC);
  const rows = (t: DocTable): string[] => t.rows.map((r) => r[0]!).filter(Boolean);
  for (const k of rows(oneTable(tables, 'agent', (t) => t.heading === 'Agent configuration file' && t.header[0] === 'Configuration'))) addKey(agent, k, AGENT_DOC);
  for (const k of rows(oneTable(tables, 'experimental', (t) => t.header[0] === 'experimental'))) addKey(experimental, k, AGENT_DOC);
  const ratelimit = addKey(experimental, 'ratelimit', AGENT_DOC);
  for (const k of rows(oneTable(tables, 'ratelimit', (t) => t.header[0] === 'ratelimit'))) addKey(ratelimit, k, AGENT_DOC);
  const sds = addKey(agent, 'sds', AGENT_DOC);
  for (const k of rows(oneTable(tables, 'SDS', (t) => t.heading === 'SDS Configuration'))) addKey(sds, k, AGENT_DOC);
  // The health-check section documents its keys as an HCL example, not a table.
  const section = /## Health check configuration([\s\S]*?)\n## /.exec(text)?.[1] ?? '';
  const example = /```hcl\s*\n\s*health_checks\s*\{([\s\S]*?)\}/.exec(section)?.[1];
  if (!example) throw new Error(`${AGENT_DOC}: health_checks example not found`);
  const health = addKey(root, 'health_checks', AGENT_DOC);
  for (const m of example.matchAll(/^\s*([a-z_]+)\s*=/gm)) addKey(health, m[1]!, AGENT_DOC);
}

/**
 * Plugins whose doc has no Configuration table. Fallback per the docs themselves:
 * memory and systemd say "This plugin does not accept any configuration options";
 * join_token says the token is set by `-joinToken` or `join_token` in the agent block.
 */
const NO_OPTIONS: Record<string, string> = {
  'KeyManager/memory': 'plugin_agent_keymanager_memory.md: "does not accept any configuration options"',
  'WorkloadAttestor/systemd': 'plugin_agent_workloadattestor_systemd.md: "does not accept any configuration options"',
  'NodeAttestor/join_token': 'plugin_agent_nodeattestor_jointoken.md: the token is configured by -joinToken or agent.join_token',
};

/** Reads one `plugin_agent_*.md`: its type and name from the title, its keys from the Configuration table. */
function readPluginDoc(file: string): PluginReference {
  const rel = `spiffe-spire/doc/${file}`;
  const text = readUpstream(rel);
  const title = /^# Agent plugin: (\w+) "([^"]+)"/m.exec(text);
  if (!title) throw new Error(`${rel}: title is not 'Agent plugin: <Type> "<name>"'`);
  const [, type, name] = title as unknown as [string, string, string];
  const table = parseMarkdownTables(text).find((t) => t.header[0] === 'Configuration');
  if (!table) {
    if (!NO_OPTIONS[`${type}/${name}`]) throw new Error(`${rel}: no Configuration table and no documented fallback`);
    return { type, name, keys: new Set(), required: new Set(), source: `${rel} (${NO_OPTIONS[`${type}/${name}`]})` };
  }
  const requiredCol = table.header.indexOf('Required');
  const keys = new Set(table.rows.map((r) => r[0]!));
  const required = new Set(requiredCol < 0 ? [] : table.rows.filter((r) => r[requiredCol] === 'Required').map((r) => r[0]!));
  return { type, name, keys, required, source: rel };
}

let cache: SpireAgentReference | undefined;

/** Builds (once) the SPIRE agent reference from agent_full.conf, spire_agent.md and the plugin docs. */
export function loadSpireAgentReference(): SpireAgentReference {
  if (cache) return cache;
  const root = parseFullConf(readUpstream(FULL_CONF));
  const docText = readUpstream(AGENT_DOC);
  const tables = parseMarkdownTables(docText);
  addAgentDocKeys(root, tables, docText);

  const pluginTypes = new Set(oneTable(tables, 'plugin types', (t) => t.heading === 'Plugin types').rows.map((r) => r[0]!));
  const pluginBlockKeys = new Set(oneTable(tables, 'plugin configuration', (t) => t.heading === 'Plugin configuration').rows.map((r) => r[0]!));
  const plugins = new Map<string, PluginReference>();
  // Every built-in plugin is known; its keys come from its doc and agent_full.conf below.
  for (const row of oneTable(tables, 'built-in plugins', (t) => t.heading === 'Built-in plugins').rows) {
    const name = /\[([^\]]+)\]/.exec(row[1]!)?.[1] ?? row[1]!;
    plugins.set(`${row[0]}/${name}`, { type: row[0]!, name, keys: null, required: new Set(), source: AGENT_DOC });
  }
  const docs = fs.readdirSync(upstreamPath('spiffe-spire/doc')).filter((f) => /^plugin_agent_.*\.md$/.test(f));
  for (const file of docs.sort()) {
    const ref = readPluginDoc(file);
    plugins.set(`${ref.type}/${ref.name}`, ref);
  }
  // agent_full.conf also shows each built-in plugin's plugin_data keys: it fills in plugins whose
  // doc is not in shared/upstream (docker, k8s, slurm, SVIDStores) and adds to the documented ones.
  for (const [id, block] of root.children.get('plugins')?.children ?? []) {
    const plugin = plugins.get(id);
    if (!plugin) continue;
    const keys = [...(block.children.get('plugin_data')?.children.keys() ?? [])];
    plugin.keys = new Set([...(plugin.keys ?? []), ...keys]);
    plugin.source = plugin.source === AGENT_DOC ? FULL_CONF : `${plugin.source} + ${FULL_CONF}`;
  }
  cache = { root, pluginTypes, pluginBlockKeys, plugins };
  return cache;
}
