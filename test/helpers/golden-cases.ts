/**
 * Golden cases: test/fixtures/golden/<case>/spec.yaml (+ spec.lock.yaml), rendered with
 * --files-dir test/fixtures/golden/_files. Each area's golden test compares the files under its
 * own bundle prefix with <case>/expected/<prefix>/**, failing on missing and unexpected files.
 */
import { readdirSync, readFileSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { validateSpecFile, renderSpecFile } from '../../src/api.js';
import type { Bundle } from '../../src/bundle/bundle.js';
import type { Model } from '../../src/model/model.js';

/** Absolute path of the project root. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Absolute path of ../shared/upstream (read-only upstream files; never copied into the project). */
export const UPSTREAM = join(PROJECT_ROOT, '..', 'shared', 'upstream');
/** Directory of the golden cases. */
export const GOLDEN_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'golden');
/** The shared --files-dir of the golden cases. */
export const GOLDEN_FILES = join(GOLDEN_DIR, '_files');

/** Names of every golden case. */
export function goldenCases(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((d) => !d.startsWith('_') && existsSync(join(GOLDEN_DIR, d, 'spec.yaml')))
    .sort();
}

/** Validates a golden case and returns its model (fails the test on any error). */
export async function goldenModel(name: string): Promise<Model> {
  const r = await validateSpecFile(join(GOLDEN_DIR, name, 'spec.yaml'), { filesDir: GOLDEN_FILES });
  if (!r.model) throw new Error(`golden case ${name} is invalid:\n${r.diagnostics.map((d) => `${d.code} ${d.pointer} ${d.message}`).join('\n')}`);
  return r.model;
}

/** Renders a golden case in memory (fails the test on any error). */
export async function goldenBundle(name: string): Promise<Bundle> {
  const r = await renderSpecFile(join(GOLDEN_DIR, name, 'spec.yaml'), { filesDir: GOLDEN_FILES });
  if (!r.bundle) throw new Error(`golden case ${name} does not render:\n${r.diagnostics.map((d) => `${d.code} ${d.pointer} ${d.message}`).join('\n')}`);
  return r.bundle;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Compares the bundle files under `prefix` (e.g. 'cluster/') with the case's expected/<prefix>
 * tree: every file must match its snapshot (refreshed with `vitest -u`), and the two file
 * lists must be equal — a missing or an unexpected file fails.
 */
export async function expectGoldenPrefix(name: string, bundle: Bundle, prefix: string): Promise<void> {
  const expectedDir = join(GOLDEN_DIR, name, 'expected');
  const rendered = [...bundle.keys()].filter((p) => p.startsWith(prefix)).sort();
  for (const p of rendered) {
    const f = bundle.get(p)!;
    const text = typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('base64');
    await expect(text).toMatchFileSnapshot(join(expectedDir, p));
  }
  const onDisk = listFiles(join(expectedDir, prefix)).map((p) => prefix + p);
  // Workers do not see the -u flag; the snapshot state knows whether snapshots are being updated.
  const state = expect.getState().snapshotState as unknown as { _updateSnapshot?: string } | undefined;
  const updating = state?._updateSnapshot === 'all' || process.argv.includes('-u') || process.argv.includes('--update');
  if (updating) {
    // `vitest -u` refreshes snapshots but never deletes; remove files the bundle no longer has.
    for (const p of onDisk.filter((p) => !rendered.includes(p))) unlinkSync(join(expectedDir, p));
  } else {
    expect(rendered, `files under ${prefix} for golden case ${name}`).toEqual(onDisk);
  }
}

/** Reads an upstream file as text. */
export function readUpstream(rel: string): string {
  return readFileSync(join(UPSTREAM, rel), 'utf8');
}
