/**
 * Variants of golden specs for render-time tests: a golden spec edited in place (keeping its
 * comments and layout, so diagnostics have real line numbers), written with its lock file to a
 * temporary directory, and rendered with the golden --files-dir.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { renderSpecFile, type RenderResult } from '../../src/api.js';
import { GOLDEN_DIR, GOLDEN_FILES } from '../helpers/golden-cases.js';

/** The rendered variant, with its spec text for line lookups. */
export interface VariantResult extends RenderResult {
  specText: string;
}

/** Renders golden case `base` after `edit` changed its spec document. */
export async function renderVariant(base: string, edit: (doc: Document) => void): Promise<VariantResult> {
  const doc = parseDocument(readFileSync(join(GOLDEN_DIR, base, 'spec.yaml'), 'utf8'));
  edit(doc);
  const specText = doc.toString();
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-cluster-variant-'));
  try {
    writeFileSync(join(dir, 'spec.yaml'), specText);
    copyFileSync(join(GOLDEN_DIR, base, 'spec.lock.yaml'), join(dir, 'spec.lock.yaml'));
    const result = await renderSpecFile(join(dir, 'spec.yaml'), { filesDir: GOLDEN_FILES });
    return { ...result, specText };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1-based line of the first line of `text` matching `re` (0 when none does). */
export function lineMatching(text: string, re: RegExp): number {
  return text.split('\n').findIndex((l) => re.test(l)) + 1;
}

/** Only the diagnostics of the cluster translator (codes starting with CLUSTER_). */
export function clusterFindings(r: RenderResult): Array<{ code: string; pointer: string; line?: number; message: string }> {
  return r.diagnostics.filter((d) => d.code.startsWith('CLUSTER_'));
}
