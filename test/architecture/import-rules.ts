/**
 * The rules the import graph of src/ must follow (docs/architecture.md, issue 19), as pure
 * functions of a graph so the test can prove each rule fails on a graph that breaks it. The graph
 * itself comes from madge (a maintained import-graph library), never from a hand-written parser.
 */
import { readFileSync } from 'node:fs';
import madge from 'madge';

/** File (relative to src/, e.g. 'cluster/translate.ts') → the src files it imports. */
export type ImportGraph = Record<string, string[]>;

/** The orchestration layer: what runs translators. */
export function isOrchestration(file: string): boolean {
  return file === 'translators.ts' || file === 'build-bundle.ts' || file.startsWith('parallel/');
}

/** The command layer above the orchestration: entry points and commands that build bundles. */
export function isCommand(file: string): boolean {
  return (
    file === 'api.ts' ||
    file === 'index.ts' ||
    file.startsWith('cli/') ||
    file.startsWith('diff/') ||
    file.startsWith('pin/') ||
    file === 'userdata/render-user-data.ts'
  );
}

/** Reads the import graph of a directory with madge; type-only imports count. */
export async function readImportGraph(dir: string): Promise<{ graph: ImportGraph; skipped: string[]; circles: string[][] }> {
  const result = await madge(dir, { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: false } } });
  return { graph: result.obj(), skipped: result.warnings().skipped, circles: result.circular() };
}

/** The import circles madge finds in a graph (each as the files along it). */
export async function findCircles(graph: ImportGraph): Promise<string[][]> {
  return (await madge(graph)).circular();
}

/** Every file a file reaches through its imports, directly or not. */
export function reachableFrom(graph: ImportGraph, file: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph[file] ?? [])];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(graph[f] ?? []));
  }
  return seen;
}

/** "below → above (through …)" for each file under the orchestration layer that reaches it. */
export function findUpwardImports(graph: ImportGraph): string[] {
  const above = (f: string): boolean => isOrchestration(f) || isCommand(f);
  const found: string[] = [];
  for (const file of Object.keys(graph).sort()) {
    if (above(file)) continue;
    const reached = [...reachableFrom(graph, file)].filter(above).sort();
    if (reached.length > 0) found.push(`${file} → ${reached.join(', ')}`);
  }
  return found;
}

/** "contract file → translator" for each translator module (one the registry imports) the contract reaches. */
export function findContractReachingTranslators(graph: ImportGraph): string[] {
  const translatorModules = new Set((graph['translators.ts'] ?? []).filter((f) => !f.startsWith('translate/')));
  const found: string[] = [];
  for (const file of Object.keys(graph).filter((f) => f.startsWith('translate/')).sort()) {
    for (const f of reachableFrom(graph, file)) if (translatorModules.has(f)) found.push(`${file} → ${f}`);
  }
  return found;
}

/** The part of src/ a file belongs to: its top folder ('cluster'), or the file itself ('api.ts'). */
export function partOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash);
}

/** Reads the "may import" table of docs/architecture.md: part → the parts it may import. */
export function readAllowedImports(markdownPath: string): Map<string, Set<string>> {
  const text = readFileSync(markdownPath, 'utf8');
  const begin = text.indexOf('<!-- import-rules:begin -->');
  const end = text.indexOf('<!-- import-rules:end -->');
  if (begin < 0 || end < begin) throw new Error(`${markdownPath} has no import-rules table`);
  const allowed = new Map<string, Set<string>>();
  for (const line of text.slice(begin, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `part` | layer | may import |  → ['', '`part`', layer, may, '']
    const part = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!part || cells.length !== 5) continue;
    const targets = [...(cells[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, ''));
    allowed.set(part.replace(/\/$/, ''), new Set(targets));
  }
  return allowed;
}

/** "part → part (file → file)" for each import across parts the table does not allow. */
export function findDisallowedImports(graph: ImportGraph, allowed: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const [file, imports] of Object.entries(graph)) {
    const from = partOf(file);
    for (const target of imports) {
      const to = partOf(target);
      if (from === to) continue;
      if (!allowed.get(from)?.has(to)) found.push(`${from} → ${to} (${file} → ${target})`);
    }
  }
  return found.sort();
}
