/**
 * The import graph of src/ points one way (issue 19, docs/architecture.md): no import circles,
 * translators never reach the orchestration that runs them, the translator contract stays below
 * every translator, and every import across parts of src/ is one the architecture table allows.
 * Each rule is also run on a small graph that breaks it, so none of them can pass vacuously.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findCircles,
  findContractReachingTranslators,
  findDisallowedImports,
  findUpwardImports,
  readAllowedImports,
  readImportGraph,
  type ImportGraph,
} from './import-rules.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ARCHITECTURE = fileURLToPath(new URL('../../docs/architecture.md', import.meta.url));

describe('import graph of src/', () => {
  let graph: ImportGraph;
  let skipped: string[];
  let circles: string[][];
  beforeAll(async () => {
    ({ graph, skipped, circles } = await readImportGraph(SRC));
  });

  it('is the whole graph: every relative import resolved, type-only imports included', () => {
    // An unresolved relative import would silently drop an edge (and a circle with it).
    expect(skipped.filter((s) => s.startsWith('.') || s.startsWith('/'))).toEqual([]);
    expect(Object.keys(graph).length).toBeGreaterThan(150);
    expect(graph['translators.ts']).toContain('cluster/translate.ts');
    // A type-only import (`import type { Translator }`) is an edge too.
    expect(graph['cluster/translate.ts']).toContain('translate/translator.ts');
  });

  it('has no import circle', () => {
    expect(circles.map((c) => c.join(' → ')).join('\n')).toBe('');
  });

  it('has no file below the orchestration layer reaching it (a translator never imports what runs it)', () => {
    expect(findUpwardImports(graph).join('\n')).toBe('');
    for (const translator of ['cluster/translate.ts', 'cluster/gloo/translate.ts', 'delivery/translate.ts', 'delivery/gloo/translate.ts', 'vm/translate-agent-files.ts', 'bundle/readme.ts']) {
      expect(graph[translator], translator).toBeDefined();
    }
  });

  it('keeps the translator contract (src/translate/) below every registered translator', () => {
    expect(findContractReachingTranslators(graph).join('\n')).toBe('');
  });

  it('imports across parts of src/ only as docs/architecture.md allows', () => {
    const allowed = readAllowedImports(ARCHITECTURE);
    expect(allowed.size).toBeGreaterThan(20);
    // A new edge across parts: add it to the table in docs/architecture.md with its reason, or remove it.
    expect(findDisallowedImports(graph, allowed).join('\n')).toBe('');
    // Every part of src/ has its row, so a new folder must be placed in a layer.
    const parts = new Set(Object.keys(graph).map((f) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f)));
    expect([...parts].filter((p) => !allowed.has(p)).sort()).toEqual([]);
  });
});

describe('the rules fail on a graph that breaks them', () => {
  const base: ImportGraph = {
    'translators.ts': ['cluster/translate.ts', 'translate/translator.ts'],
    'build-bundle.ts': ['translators.ts', 'translate/build-cache.ts'],
    'cluster/translate.ts': ['translate/translator.ts', 'cluster/names.ts'],
    'cluster/names.ts': [],
    'translate/translator.ts': [],
    'translate/build-cache.ts': ['cluster/names.ts'],
  };

  it('finds no fault in a graph that points down', async () => {
    expect(await findCircles(base)).toEqual([]);
    expect(findUpwardImports(base)).toEqual([]);
    expect(findContractReachingTranslators(base)).toEqual([]);
  });

  it('finds a circle', async () => {
    const g = { ...base, 'cluster/names.ts': ['cluster/translate.ts'] };
    expect(await findCircles(g)).toEqual([['cluster/translate.ts', 'cluster/names.ts']]);
  });

  it('finds a translator reaching the registry through a helper', () => {
    const g = { ...base, 'cluster/names.ts': ['parallel/protocol.ts'], 'parallel/protocol.ts': ['translators.ts'] };
    expect(findUpwardImports(g)).toContain('cluster/names.ts → parallel/protocol.ts, translators.ts');
  });

  it('finds the contract reaching a translator', () => {
    const g = { ...base, 'translate/build-cache.ts': ['cluster/translate.ts'] };
    expect(findContractReachingTranslators(g)).toEqual(['translate/build-cache.ts → cluster/translate.ts']);
  });

  it('finds an import the architecture table does not allow', () => {
    const allowed = new Map([['cluster', new Set(['translate'])], ['translate', new Set<string>()]]);
    expect(findDisallowedImports({ 'cluster/translate.ts': ['translate/translator.ts'] }, allowed)).toEqual([]);
    expect(findDisallowedImports({ 'translate/build-cache.ts': ['cluster/names.ts'] }, allowed)).toEqual(['translate → cluster (translate/build-cache.ts → cluster/names.ts)']);
  });
});
