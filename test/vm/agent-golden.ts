/**
 * Golden comparison for the VM agent files only. The payload issue writes its own files under the
 * same vms/<namespace>/<workload>/<platform>/ directories, so instead of expectGoldenPrefix(case, bundle,
 * 'vms/') this compares exactly the files in the agent subdirectories (AGENT_BUNDLE_DIRS): the
 * rendered set must equal what listAgentFiles lists, every file must match its snapshot under
 * <case>/expected/, and the snapshots on disk must be that same set (missing or unexpected fails).
 */
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { BundleBuilder, type Bundle } from '../../src/bundle/bundle.js';
import { vmDir } from '../../src/bundle/layout.js';
import type { Model } from '../../src/model/model.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { AGENT_BUNDLE_DIRS } from '../../src/vm/paths.js';
import { translateAgentFiles } from '../../src/vm/translate-agent-files.js';
import { GOLDEN_DIR } from '../helpers/golden-cases.js';

const AGENT_PATH = new RegExp(`^vms/[^/]+/[^/]+/[^/]+/(${AGENT_BUNDLE_DIRS.join('|')})/`);

/** True for a bundle path that belongs to the agent files (not to the payload). */
export function isAgentBundlePath(path: string): boolean {
  return AGENT_PATH.test(path);
}

/** Runs only the agent-file translator over a model (the other translators are other issues' concern). */
export function renderAgentBundle(model: Model): { bundle: Bundle; diagnostics: unknown[] } {
  const out = new BundleBuilder();
  const diagnostics = translateAgentFiles(model, out);
  return { bundle: out.build(), diagnostics };
}

/** Bundle paths listAgentFiles promises for every workload × placement, sorted. */
export function listedAgentPaths(model: Model): string[] {
  return model.workloads
    .flatMap((w) => w.placements.flatMap((p) => listAgentFiles(model, w, p).map((f) => `${vmDir(w, p.platform)}/${f.bundlePath}`)))
    .sort();
}

/**
 * True under `vitest -u`. Worker processes do not see the CLI flags in process.argv, so this asks
 * the snapshot state (its `_updateSnapshot` is 'all' under -u), with argv as a fallback.
 */
function isUpdatingSnapshots(): boolean {
  const state = expect.getState().snapshotState as unknown as { _updateSnapshot?: string } | undefined;
  return state?._updateSnapshot === 'all' || process.argv.includes('-u') || process.argv.includes('--update');
}

function listFilesUnder(dir: string): string[] {
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

/** Compares the agent files of a rendered golden case with <case>/expected/vms/**\/{istio,spire,otel,systemd}/. */
export async function expectAgentGolden(name: string, model: Model, bundle: Bundle): Promise<void> {
  const expectedDir = join(GOLDEN_DIR, name, 'expected');
  const rendered = [...bundle.keys()].filter(isAgentBundlePath).sort();
  expect(rendered, `agent files rendered for ${name} = listAgentFiles`).toEqual(listedAgentPaths(model));
  for (const p of rendered) {
    const content = bundle.get(p)!.content;
    await expect(typeof content === 'string' ? content : Buffer.from(content).toString('base64')).toMatchFileSnapshot(join(expectedDir, p));
  }
  const onDisk = listFilesUnder(join(expectedDir, 'vms'))
    .map((p) => `vms/${p}`)
    .filter(isAgentBundlePath);
  if (isUpdatingSnapshots()) {
    // `vitest -u` never deletes snapshots; drop agent files the bundle no longer has.
    for (const p of onDisk.filter((p) => !rendered.includes(p))) unlinkSync(join(expectedDir, p));
  } else {
    expect(rendered, `agent snapshot files of golden case ${name}`).toEqual(onDisk);
  }
}
